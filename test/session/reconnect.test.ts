/** @vitest-environment node */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { ReauthError, selectBannerView, selectReauthProblem, selectWaitingForNetwork } from '../../src/lib/session/index.ts';
import { signInErrorFor } from '../../src/lib/session/provider-error.ts';
import { layerOnFakeBackend } from '../support/layer-fixture.ts';
import { track } from '../support/outcomes.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const API = 'https://api.test';
const far = 4_000_000_000;
const jwt = (n: number) => unsignedJwt({ sub: 'ada', n, exp: far });

/** An expired session whose popups the test answers: each reconnect opens one, kept in `popups`. */
function expired(overrides: Partial<AuthFetchOptions> = {}) {
  let token = jwt(1);
  const popups: Array<{ signal: AbortSignal; resolve: (token: string) => void; reject: (error: unknown) => void }> = [];
  const clock = new SimulatedClock();
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = next),
    validate: async ({ token: t }) => t !== jwt(1),
    reauthenticate: ({ signal }) => new Promise<string>((resolve, reject) => popups.push({ signal, resolve, reject })),
    allowedOrigins: [API],
    clock,
    fetch: async (_input, init) =>
      new Response('{}', { status: new Headers(init?.headers).get('authorization') === `Bearer ${jwt(1)}` ? 401 : 200 }),
    ...overrides,
  });
  stops.push(client.stop);
  return { client, popups, clock, token: () => token };
}
const stops = stoppedAfterEach();

describe('reconnect', () => {
  it('gives up a sign-in that never finishes at its deadline, keeps every held call, and lets the user try again', async () => {
    const h = expired({ limits: { reauthTimeoutMs: 120_000 } });
    const call = h.client.authFetch(`${API}/api/credits`);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    h.client.reconnect();
    h.clock.increment(119_999);
    expect(selectBannerView(h.client.actor.getSnapshot())).toBe('reconnecting');
    h.clock.increment(1);
    expect(h.popups[0]!.signal.aborted).toBe(true);
    const snapshot = h.client.actor.getSnapshot();
    expect(selectBannerView(snapshot)).toBe('expired');
    expect(selectReauthProblem(snapshot)).toBe('Signing in took longer than 120 s. Press Reconnect to try again.');
    expect(snapshot.context.queue).toHaveLength(1);
    h.client.reconnect();
    h.popups[1]!.resolve(jwt(2));
    expect((await call).status).toBe(200);
  });

  it('opens a new popup when Reconnect is pressed again while one is open, and stores only the new one’s token', async () => {
    const h = expired();
    const call = h.client.authFetch(`${API}/api/credits`);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    h.client.reconnect();
    expect(h.popups).toHaveLength(2);
    expect(h.popups[0]!.signal.aborted).toBe(true);
    h.popups[0]!.resolve(jwt(3)); // the first window finishes after all: too late
    h.popups[1]!.resolve(jwt(2));
    expect((await call).status).toBe(200);
    expect(h.token()).toBe(jwt(2));
  });

  it('ignores Reconnect while the session is good, and while the cooldown runs', async () => {
    const h = expired({
      reauthenticate: async () => Promise.reject(new Error('closed')),
      limits: { reauthAttempts: 1, reauthCooldownMs: 30_000 },
    });
    h.client.reconnect();
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    h.client.authFetch(`${API}/api/credits`).catch(() => {});
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    await waitFor(h.client.actor, (s) => s.matches({ needsReauth: 'coolingDown' }));
    h.client.reconnect();
    expect(h.client.actor.getSnapshot().matches({ needsReauth: 'coolingDown' })).toBe(true);
    h.clock.increment(30_000);
    expect(h.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
  });

  it('stores no empty token a sign-in resolves with: the call stays held and the banner says to try again', async () => {
    const h = expired();
    const call = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    h.client.reconnect();
    h.popups[0]!.resolve('');
    const back = await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.lastReauthError !== null);
    expect(selectReauthProblem(back)).toBe('Sign-in returned no token. Press Reconnect to try again.');
    expect(h.token()).toBe(jwt(1));
    expect(back.context.queue).toHaveLength(1);
    expect(call.settled).toBe(false);
  });

  it('counts sign-ins that outlive their deadline against the attempts, and starts afresh after the cooldown', async () => {
    const h = expired({ limits: { reauthAttempts: 3, reauthTimeoutMs: 10_000, reauthCooldownMs: 30_000 } });
    const call = h.client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    const timeOut = () => {
      h.client.reconnect();
      h.clock.increment(10_000);
      return h.client.actor.getSnapshot();
    };
    expect(timeOut().matches({ needsReauth: 'waiting' })).toBe(true);
    expect(timeOut().matches({ needsReauth: 'waiting' })).toBe(true);
    // The third in a row uses the budget up: the held call is given up, and Reconnect waits.
    expect(timeOut().matches({ needsReauth: 'coolingDown' })).toBe(true);
    expect(await call).toMatchObject({ name: 'AuthExpiredError', reason: 'sign-in-given-up' });
    h.clock.increment(30_000);
    // A whole budget again: one more timeout is one failure, not another cooldown.
    expect(timeOut().matches({ needsReauth: 'waiting' })).toBe(true);
    expect(selectReauthProblem(h.client.actor.getSnapshot())).toBe('Signing in took longer than 10 s. Press Reconnect to try again.');
  });

  // A sign-in of the app's own whose answer is cut off mid-body: the platform's fetch says so in words of its own (Node: `terminated`).
  it('waits offline, spending no attempt, when the network drops while the sign-in reads its answer', async () => {
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"access_token": "');
      // Cut once the first part of the body is on its way: the answer began, and never ends.
      response.write('x'.repeat(70_000), () => request.socket.destroy());
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const signIn = async () => ((await (await fetch(`http://127.0.0.1:${port}/token`)).json()) as { access_token: string }).access_token;
    const h = expired({ limits: { reauthAttempts: 1 } });
    try {
      const call = track(h.client.authFetch(`${API}/api/credits`));
      await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
      h.client.reconnect();
      h.popups[0]!.reject(await signIn().catch((error: unknown) => error));
      const offline = await waitFor(h.client.actor, (s) => !s.matches('reauthenticating'));
      expect(offline.value).toMatchObject({ offline: expect.any(String) });
      expect(offline.context.reauthFailures).toBe(0);
      expect(call.settled).toBe(false);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  // Chromium's words when a stream reader meets the connection cut: lower case, unlike Firefox's `NetworkError`.
  it("takes Chromium's network error, reading a sign-in's answer, for the backend out of reach", async () => {
    const h = expired({ limits: { reauthAttempts: 1 } });
    track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    h.client.reconnect();
    h.popups[0]!.reject(new TypeError('network error'));
    const after = await waitFor(h.client.actor, (s) => !s.matches('reauthenticating'));
    expect(after.value).toMatchObject({ offline: expect.any(String) });
    expect(after.context.reauthFailures).toBe(0);
  });

  // V8 starts a bug's words with what it called: a sign-in's own `network` object is not the network.
  it.each(['network.status is not a function', 'terminated.then is not a function'])(
    'fails the sign-in for a TypeError of its own that starts with such words (%s)',
    async (message) => {
      const h = expired({ limits: { reauthAttempts: 2 } });
      track(h.client.authFetch(`${API}/api/credits`));
      await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
      h.client.reconnect();
      h.popups[0]!.reject(new TypeError(message));
      const after = await waitFor(h.client.actor, (s) => !s.matches('reauthenticating'));
      expect(after.value).toEqual({ needsReauth: 'waiting' });
      expect(after.context.reauthFailures).toBe(1);
    },
  );
});

describe('a failed re-auth keeps everything', () => {
  const layer = layerOnFakeBackend();

  it('goes back to needsReauth with the queue intact, and a later reconnect succeeds', async () => {
    const h = layer.session();
    h.expire();
    const pending = [1, 2, 3].map((i) => h.client.authFetch(`${API}/api/item/${i}`));
    const calls = pending.map(track);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 3);
    h.control.reauthOutcome = new Error('popup closed');
    h.client.reconnect();
    const back = await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.reauthFailures === 1);
    expect(back.context.queue).toHaveLength(3);
    expect(back.context.lastReauthError).toEqual({ name: 'Error', message: 'popup closed' });
    expect(calls.some((c) => c.settled)).toBe(false);

    h.control.reauthOutcome = 'success';
    h.client.reconnect();
    const responses = await Promise.all(pending);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(h.reauthenticate).toHaveBeenCalledTimes(2);
    expect(h.client.actor.getSnapshot().context).toMatchObject({ queue: [], reauthFailures: 0, lastReauthError: null });
  });

  // Node's querystring.parse, for one, gives an object without a prototype, which String() cannot convert.
  it.each([
    ["fetch's TypeError", new TypeError('Failed to fetch')],
    [
      'the popup’s check that met one',
      new ReauthError('Signing in with Google did not finish.', { cause: new TypeError('Failed to fetch') }),
    ],
    // The backend restarted while the user was at Google: the callback page could not trade the code.
    ["the callback page's server_unreachable", signInErrorFor('server_unreachable')],
  ])('waits offline for the backend when the sign-in could not reach it (%s), and spends no attempt', async (_, error) => {
    const h = expired({ limits: { reauthAttempts: 1 } });
    const call = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    h.client.reconnect();
    h.popups[0]!.reject(error);
    const offline = await waitFor(h.client.actor, (s) => s.matches('offline'));
    expect(offline.context.reauthFailures).toBe(0);
    expect(call.settled).toBe(false);
    // Back, the backend still refuses the old token: the banner asks again, and the held call goes with the new one.
    h.clock.increment(offline.context.limits.validationBackoffMs);
    const back = await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    // The backend answered: the banner no longer blames it, it simply offers Reconnect.
    expect(selectBannerView(back)).toBe('expired');
    expect(selectReauthProblem(back)).toBeNull();
    h.client.reconnect();
    h.popups[1]!.resolve(jwt(2));
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await vi.waitFor(() => expect(call.value?.status).toBe(200));
  });

  // Google or the studio's server said "later": pressing Reconnect as the banner asks must not give the work up.
  it('keeps the held call however often Google is busy or out of reach, and spends no attempt on it', async () => {
    const h = expired({ limits: { reauthAttempts: 1 } });
    const call = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    const codes = ['provider_busy', 'temporarily_unavailable', 'provider_unreachable', 'server_timeout', 'server_error'];
    for (const [i, code] of codes.entries()) {
      h.client.reconnect();
      h.popups[i]!.reject(signInErrorFor(code));
      const back = await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.lastReauthError !== null);
      expect(selectBannerView(back)).toBe('expired');
      expect(selectReauthProblem(back)).toContain(`(${code})`);
      expect(back.context.reauthFailures).toBe(0);
    }
    expect(call.settled).toBe(false);
    h.client.reconnect();
    h.popups[codes.length]!.resolve(jwt(2));
    await vi.waitFor(() => expect(call.value?.status).toBe(200));
  });

  it('still spends an attempt on a sign-in Google refused or the user cancelled: the budget gives the held call up', async () => {
    for (const code of ['access_denied', 'invalid_request', 'server_misconfigured', 'exchange_failed']) {
      const h = expired({ limits: { reauthAttempts: 1 } });
      const call = h.client.authFetch(`${API}/api/credits`);
      await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
      h.client.reconnect();
      h.popups[0]!.reject(signInErrorFor(code));
      await expect(call).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'sign-in-given-up' });
      expect(h.client.actor.getSnapshot().matches({ needsReauth: 'coolingDown' })).toBe(true);
    }
  });

  // signInWithGooglePopup on plain http (a LAN address), where crypto.randomUUID is missing: a bug, not the network.
  it('fails the sign-in, never says offline, when reauthenticate throws a TypeError of its own', async () => {
    const h = expired();
    const call = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    const offline: boolean[] = [];
    const watch = h.client.actor.subscribe((s) => offline.push(selectWaitingForNetwork(s)));
    h.client.reconnect();
    h.popups[0]!.reject(new TypeError('crypto.randomUUID is not a function'));
    const back = await waitFor(h.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    watch.unsubscribe();
    expect(offline).not.toContain(true);
    expect(selectReauthProblem(back)).toBe('Sign-in did not finish. Press Reconnect to try again.');
    // Counted like any failed sign-in, and said where a developer looks (the report, the inspector).
    expect(back.context.reauthFailures).toBe(1);
    expect(back.context.lastReauthError).toEqual({ name: 'TypeError', message: 'crypto.randomUUID is not a function' });
    expect(h.client.report().entries.find((e) => e.event.startsWith('xstate.error.actor.reauthenticate'))?.detail).toBe('TypeError');
    expect(call.settled).toBe(false);
    h.client.reconnect();
    h.popups[1]!.resolve(jwt(2));
    await vi.waitFor(() => expect(call.value?.status).toBe(200));
  });

  it("says the plain sentence, not the message, for an app's own error whose name only mentions a popup", async () => {
    const h = expired();
    const call = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    h.client.reconnect();
    h.popups[0]!.reject(Object.assign(new Error('gsi: invalid_client for 1234.apps.googleusercontent.com'), { name: 'GooglePopupError' }));
    const back = await waitFor(h.client.actor, (s) => s.matches({ needsReauth: 'waiting' }) && s.context.lastReauthError !== null);
    expect(selectReauthProblem(back)).toBe('Sign-in did not finish. Press Reconnect to try again.');
    h.client.reconnect();
    h.popups[1]!.resolve(jwt(2));
    await vi.waitFor(() => expect(call.value?.status).toBe(200));
  });

  // README's `reauthenticate: () => signIn()` ignores its signal: its sign-in may still fail after the session moved on.
  it("does not go offline for a network failure of a sign-in the session already gave up (another tab's token came)", async () => {
    const h = expired();
    const call = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    h.client.reconnect();
    h.client.adoptToken(jwt(2));
    await vi.waitFor(() => expect(call.value?.status).toBe(200));
    h.popups[0]!.reject(new TypeError('Failed to fetch'));
    // A few turns of the event loop, no timer: the rejection is heard by then.
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(selectWaitingForNetwork(h.client.actor.getSnapshot())).toBe(false);
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it.each([
    ['an object of no class', Object.assign(Object.create(null), { error: 'access_denied' })],
    ['nothing (a bare reject())', undefined],
  ])('keeps the session and its held call when a sign-in rejects with %s', async (_, reason) => {
    const h = layer.session();
    h.expire();
    const pending = h.client.authFetch(`${API}/api/item/1`);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.reauthenticate.mockImplementationOnce(() => Promise.reject(reason));
    h.client.reconnect();
    const back = await waitFor(h.client.actor, (s) => s.status !== 'active' || s.context.reauthFailures === 1);
    expect(back.status).toBe('active');
    expect(selectReauthProblem(back)).toBe('Sign-in did not finish. Press Reconnect to try again.');
    expect(h.client.report().lastReauthError).toBe('Error');

    h.client.reconnect();
    expect((await pending).status).toBe(200);
  });
});

describe('reconnect from the notice before expiry', () => {
  it("does not spend the banner's attempts when the notice's popup is closed", async () => {
    // A token that ends in 90 s: the notice is due (2 minutes before), the expiry lead (60 s) not yet.
    const soon = (n: number, endsInMs: number) => unsignedJwt({ sub: 'ada', n, exp: endsInMs / 1000 });
    let token = soon(1, 90_000);
    const popups: Array<{ reject: (error: Error) => void; resolve: (token: string) => void }> = [];
    const clock = new SimulatedClock();
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: async ({ token: t }) => t !== soon(1, 90_000),
      reauthenticate: () => new Promise<string>((resolve, reject) => popups.push({ resolve, reject })),
      allowedOrigins: [API],
      clock,
      limits: { reauthAttempts: 2 },
      fetch: async () => new Response('{}'),
    });
    stops.push(client.stop);
    clock.increment(0);
    client.actor.send({ type: 'user.active' });
    for (let i = 0; i < 3; i++) {
      expect(client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
      client.reconnect();
      popups.at(-1)!.reject(new Error('closed'));
      await waitFor(client.actor, (s) => s.matches({ active: 'reminding' }));
    }
    expect(client.actor.getSnapshot().context.reauthFailures).toBe(0);
    expect(client.actor.getSnapshot().context.lastReauthError?.message).toBe('closed');
  });

  it("says the notice's popup took too long when it outlives its deadline, and spends no attempt", async () => {
    // A token that ends in 90 s: the notice is due, and the popup's deadline (10 s) comes before the expiry lead.
    const token = unsignedJwt({ sub: 'ada', exp: 90 });
    const clock = new SimulatedClock();
    const client = createAuthFetch({
      getToken: () => token,
      setToken: () => {},
      validate: async () => true,
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock,
      limits: { reauthAttempts: 1, reauthTimeoutMs: 10_000 },
      fetch: async () => new Response('{}'),
    });
    stops.push(client.stop);
    clock.increment(0);
    client.actor.send({ type: 'user.active' });
    client.reconnect();
    clock.increment(10_000);
    const snapshot = client.actor.getSnapshot();
    expect(snapshot.matches({ active: 'reminding' })).toBe(true);
    expect(selectReauthProblem(snapshot)).toBe('Signing in took longer than 10 s. Press Reconnect to try again.');
    expect(snapshot.context.reauthFailures).toBe(0);
  });
});
