/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch, PopupBlockedError, PopupCancelledError, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const API = 'https://api.test';
const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const tokenA = `${part({ alg: 'HS256' })}.${part({ sub: 'ada', exp: 4_000_000_000 })}.secretSignatureA`;
const tokenB = `${part({ alg: 'HS256' })}.${part({ sub: 'ada', exp: 4_000_000_001 })}.secretSignatureB`;
const stops = stoppedAfterEach();

/** A session on tokenA that the backend accepts, unless `more` says otherwise. */
function tokenAClient(more: Partial<AuthFetchOptions> = {}) {
  const client = createAuthFetch({
    getToken: () => tokenA,
    setToken: () => {},
    validate: async () => true,
    reauthenticate: async () => tokenB,
    allowedOrigins: [API],
    ...more,
  });
  stops.push(client.stop);
  return client;
}

describe('the session report', () => {
  it('tells the story of a session in words, with no token, query, header value or body in it', async () => {
    const clock = new SimulatedClock();
    const valid = new Set([tokenA]);
    const popups: Array<string | Error> = [new PopupBlockedError(), tokenB];
    let down = false;
    let token = tokenA;
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: async ({ token: t }) => {
        if (down) throw new TypeError('Failed to fetch');
        return valid.has(t ?? '');
      },
      reauthenticate: async () => {
        const next = popups.shift()!;
        if (next instanceof Error) throw next;
        valid.add(next);
        return next;
      },
      allowedOrigins: [API],
      clock,
      fetch: async (_input, init) => {
        if (down) throw new TypeError('Failed to fetch');
        const bearer = new Headers(init?.headers).get('authorization')?.slice(7) ?? '';
        return new Response('{}', {
          status: valid.has(bearer) ? 200 : 401,
          headers: { date: new Date(clock.now() + 30_000).toUTCString() },
        });
      },
    });
    stops.push(client.stop);
    const body = '{"prompt":"a ruby ring for Grace","card":"4111111111111111"}';
    const call = (query: string) =>
      client.authFetch(`${API}/api/generate?key=querySecret${query}`, { method: 'POST', body, headers: { 'x-api-key': 'headerSecret' } });

    expect((await call('1')).status).toBe(200);
    valid.delete(tokenA);
    const held = call('2');
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect(); // blocked
    await waitFor(client.actor, (s) => s.context.lastReauthError !== null);
    client.reconnect();
    expect((await held).status).toBe(200);
    down = true;
    await call('3').catch(() => null);
    const waiting = call('4');
    await waitFor(client.actor, (s) => s.matches('offline') && s.context.queue.length === 1);
    down = false;
    clock.increment(1_000);
    expect((await waiting).status).toBe(200);
    client.note('tab.token', 'adopted');

    const report = client.report();
    const text = JSON.stringify(report);
    for (const secret of [tokenA, tokenB, 'secretSignature', 'querySecret', 'headerSecret', 'ruby ring', '4111', 'Bearer']) {
      expect(text).not.toContain(secret);
    }
    const lines = report.entries.map((e) => [e.event, e.state, e.detail].filter((x) => x !== undefined).join(' '));
    expect(lines).toEqual(
      expect.arrayContaining([
        'clock.observed active.quiet 30500 ms',
        'request.held validating.checking +1 (1 POST unauthorized)',
        'xstate.done.actor.validateSession needsReauth.waiting expired',
        'reauth.requested reauthenticating.holding',
        'xstate.error.actor.reauthenticate needsReauth.waiting PopupBlockedError',
        'xstate.done.actor.reauthenticate validating.confirming token',
        'xstate.done.actor.validateSession active.quiet valid',
        'network.offline offline.waiting',
        'xstate.done.actor.probeSession active.quiet valid',
        'tab.token adopted',
      ]),
    );
    expect(report).toMatchObject({
      format: 'quiet-session-report/1',
      state: 'active.quiet',
      held: 0,
      clockOffsetMs: 30_500,
      lastReauthError: null,
    });
  });

  it("gives the token's expiry as an ISO time, and null for a token that has none or one beyond any date", () => {
    const expiresAt = (claims: object) => {
      const token = `${part({ alg: 'HS256' })}.${part({ sub: 'ada', ...claims })}.sig`;
      const client = createAuthFetch({
        getToken: () => token,
        setToken: () => {},
        validate: async () => true,
        reauthenticate: async () => token,
        allowedOrigins: [API],
        clock: new SimulatedClock(),
      });
      stops.push(client.stop);
      return client.report().expiresAt;
    };
    expect(expiresAt({ exp: 4_000_000_000 })).toBe('2096-10-02T07:06:40.000Z');
    expect(expiresAt({})).toBeNull();
    // The last date there is, and one past it (an exp in ms by mistake, say).
    expect(expiresAt({ exp: 8_640_000_000_000 })).toBe('+275760-09-13T00:00:00.000Z');
    expect(expiresAt({ exp: 8_640_000_000_001 })).toBeNull();
  });

  it('keeps the last few hundred entries only', async () => {
    const client = tokenAClient();
    for (let i = 0; i < 400; i++) client.note('tab.token', String(i));
    const entries = client.report().entries;
    expect(entries).toHaveLength(300);
    expect([entries[0]!.detail, entries.at(-1)!.detail]).toEqual(['100', '399']);
  });

  it('keeps the story of a long quiet session: looking again at the clock adds no line', () => {
    const clock = new SimulatedClock();
    const client = tokenAClient({ clock });
    client.note('tab.token', 'first');
    for (let minute = 0; minute < 8 * 60; minute++) clock.increment(60_000); // a working day, the tab open
    expect(client.report().entries.map((e) => e.detail)).toContain('first');
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it('names why a sign-in resumed after a reload failed, as it does for its own popup', async () => {
    const client = tokenAClient({ validate: async () => false, fetch: async () => new Response(null, { status: 401 }) });
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.signInFailed(new PopupCancelledError());
    expect(client.report().entries.at(-1)).toMatchObject({ event: 'reauth.failed', detail: 'PopupCancelledError' });
  });

  it('keeps the story of a long working session: signs of use that change nothing add no line', () => {
    const clock = new SimulatedClock();
    const client = tokenAClient({ clock });
    client.note('tab.token', 'first');
    // Typing all morning: a sign of use reaches the chart every 15 s at most.
    for (let sign = 0; sign < 4 * 240; sign++) {
      clock.increment(15_000);
      client.actor.send({ type: 'user.active' });
    }
    expect(client.report().entries.map((e) => e.detail)).toContain('first');
  });

  it('keeps the story of a session whose tab is shown again all day: a return that changes nothing adds no line', () => {
    const clock = new SimulatedClock();
    const client = tokenAClient({ clock });
    client.note('tab.token', 'first');
    // Back to the tab from mail, or the network back after a blip, every minute or so of a working day.
    const before = client.report().entries;
    for (let minute = 0; minute < 8 * 60; minute++) {
      clock.increment(60_000);
      client.actor.send({ type: minute % 2 ? 'tab.visible' : 'network.online' });
    }
    expect(client.report().entries).toEqual(before);
  });

  it('says whether anyone is signed in: a signed-out tab does not read as a live session', () => {
    let token: string | null = tokenA;
    const client = tokenAClient({ getToken: () => token });
    expect(client.report()).toMatchObject({ state: 'active.quiet', signedIn: true });
    token = null;
    client.endSession();
    expect(client.report()).toMatchObject({ state: 'active.quiet', signedIn: false, expiresAt: null });
  });

  it("gives the expiry of the token stored, not the last one's, after a sign-out or another tab's token while offline", () => {
    let token: string | null = tokenA;
    const client = tokenAClient({ getToken: () => token, setToken: (next) => void (token = next), validate: () => new Promise(() => {}) });
    client.actor.send({ type: 'network.offline' });
    client.adoptToken(tokenB);
    expect(client.report()).toMatchObject({ state: 'offline.probing', expiresAt: '2096-10-02T07:06:41.000Z' });
    token = null;
    client.endSession();
    expect(client.report()).toMatchObject({ state: 'offline.waiting', signedIn: false, expiresAt: null });
  });

  it('says what was held, by method and why, in a short line however many calls it is', async () => {
    const client = tokenAClient({ validate: () => new Promise(() => {}), fetch: async () => new Response(null, { status: 401 }) });
    const calls = [client.authFetch(`${API}/api/credits`), client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{}' })];
    await waitFor(client.actor, (s) => s.context.queue.length === 1);
    // While it checks, a storm of calls: held before they are sent.
    for (let i = 0; i < 500; i++)
      calls.push(client.authFetch(`${API}/api/items/${i}`, { method: ['GET', 'PUT', 'DELETE', 'PATCH'][i % 4] }));
    await waitFor(client.actor, (s) => s.context.queue.length === 502);
    for (const call of calls) call.catch(() => {});
    const details = client
      .report()
      .entries.filter((e) => e.event === 'request.held')
      .map((e) => e.detail);
    expect(details).toEqual([
      '+1 (1 GET unauthorized)',
      // The POST's 401 and the storm held in the same turn: one event.
      '+501 (125 GET unsent, 125 PUT unsent, 125 DELETE unsent, …)',
    ]);
  });

  it('lists every group of a hold of three kinds, with no "…"', async () => {
    const client = tokenAClient({ validate: () => new Promise(() => {}), fetch: async () => new Response(null, { status: 401 }) });
    const calls = [client.authFetch(`${API}/api/credits`)];
    await waitFor(client.actor, (s) => s.context.queue.length === 1);
    for (const method of ['GET', 'PUT', 'DELETE']) calls.push(client.authFetch(`${API}/api/items`, { method }));
    await waitFor(client.actor, (s) => s.context.queue.length === 4);
    for (const call of calls) call.catch(() => {});
    expect(client.report().entries.at(-1)).toMatchObject({
      event: 'request.held',
      detail: '+3 (1 GET unsent, 1 PUT unsent, 1 DELETE unsent)',
    });
  });

  it('says why a check gave no answer: too slow, the network, or something thrown that is no Error', async () => {
    const clock = new SimulatedClock();
    const answers: Array<() => Promise<boolean>> = [() => new Promise(() => {}), () => Promise.reject(new TypeError('Failed to fetch'))];
    const client = tokenAClient({
      clock,
      validate: () => answers.shift()!(),
      reauthenticate: () => Promise.reject('closed'),
      fetch: async () => new Response(null, { status: 401 }),
    });
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await waitFor(client.actor, (s) => s.matches('validating'));
    clock.increment(5_000); // validationTimeoutMs
    await waitFor(client.actor, (s) => s.matches('offline'));
    clock.increment(60_000); // the probe after it
    await vi.waitFor(() => expect(client.report().entries.at(-1)?.event).toBe('xstate.error.actor.probeSession'));
    answers.push(async () => false);
    clock.increment(60_000); // and the next one, answered
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    await waitFor(client.actor, (s) => s.context.lastReauthError !== null);
    const details = client.report().entries.map((e) => [e.event.split('.session.')[0], e.detail].join(' '));
    expect(details).toEqual(
      expect.arrayContaining([
        'xstate.after.validationTimeout timeout',
        'xstate.error.actor.probeSession network',
        'xstate.error.actor.reauthenticate error',
      ]),
    );
  });

  it('hands out a copy of the limits: a bug report that edits its copy changes no deadline', () => {
    const client = tokenAClient();
    const { limits } = client.report();
    expect(limits).toEqual(client.actor.getSnapshot().context.limits);
    limits.reauthTimeoutMs = 1;
    expect(client.actor.getSnapshot().context.limits.reauthTimeoutMs).toBe(180_000);
  });
});
