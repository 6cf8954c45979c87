/** @vitest-environment node */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import {
  AuthExpiredError,
  BodyNotReplayableError,
  PopupBlockedError,
  PopupClosedError,
  QuietSessionError,
} from '../../src/lib/session/errors.ts';
import { authFetch as appWideAuthFetch, createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { watchForLeaks } from '../support/leak-watch.ts';
import { inProductionBuild } from '../support/production-build.ts';

/** JWT-shaped, each with a signature no other string in the system contains. */
const tokenNamed = (name: string) => `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.${name}Sig7q`;
const [A, B, C] = ['leakA', 'leakB', 'leakC'].map(tokenNamed) as [string, string, string];
const querySecret = 'q-secret-5150';
const secrets = [A, B, C, 'leakASig7q', 'leakBSig7q', 'leakCSig7q', querySecret];

const { backend } = layerOnFakeBackend();
let watch = watchForLeaks();
afterEach(() => watch.stop());

/** Wired as the app wires it: validate asks /auth/me with the token, the popup hands back tokens (or fails) in turn. */
function createStoryClient(popups: Array<string | Error>, overrides: Partial<AuthFetchOptions> = {}) {
  const store = { token: A };
  backend.valid.add(A);
  const clock = new SimulatedClock();
  const client = createAuthFetch({
    getToken: () => store.token,
    setToken: (token) => void (store.token = token),
    validate: async ({ token, signal }) => (await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` }, signal })).ok,
    reauthenticate: async () => {
      const next = popups.shift()!;
      if (next instanceof Error) throw next;
      backend.valid.add(next);
      return next;
    },
    allowedOrigins: [API],
    limits: { reauthAttempts: 2, reauthCooldownMs: 30_000 },
    clock,
    ...overrides,
  });
  watch.client(client);
  return { client, store, clock };
}

const streamOf = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });

describe('the token never shows', () => {
  it('in a URL, a log line, an error or the inspector, through a whole expiry → reconnect story', async () => {
    watch = watchForLeaks();
    const { client, clock } = createStoryClient([new PopupClosedError(), B, C, new PopupBlockedError(), new PopupClosedError()]);
    const { authFetch } = client;
    const caught = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (error: unknown) => {
          watch.errors.push(error);
          return error;
        },
      );

    expect((await authFetch(`${API}/api/credits?sig=${querySecret}`)).status).toBe(200);

    // A expires: two calls are held, a third is aborted while held.
    backend.valid.delete(A);
    const post = authFetch(`${API}/api/items?sig=${querySecret}`, {
      method: 'POST',
      body: '{"prompt":"ring"}',
      headers: { 'content-type': 'application/json' },
    });
    const list = authFetch(`${API}/api/list?page=2`);
    await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 2);
    // The inspector's picture of what is held: origin and path, no query.
    expect(
      client.actor
        .getSnapshot()
        .context.queue.map((held) => held.url)
        .sort(),
    ).toEqual([`${API}/api/items`, `${API}/api/list`]);
    const controller = new AbortController();
    const aborted = caught(authFetch(`${API}/api/aborted?sig=${querySecret}`, { signal: controller.signal }));
    await waitFor(client.actor, (s) => s.context.queue.length === 3);
    controller.abort();
    expect(await aborted).toMatchObject({ name: 'AbortError' });

    // The first popup is closed, the second brings B: both held calls go out with it.
    client.reconnect();
    await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.lastReauthError?.name === 'PopupClosedError');
    client.reconnect();
    expect([(await post).status, (await list).status]).toEqual([200, 200]);

    // B expires: a stream body cannot be replayed after C arrives.
    backend.valid.delete(B);
    const upload = caught(authFetch(`${API}/api/upload`, { method: 'POST', body: streamOf('photo'), duplex: 'half' } as RequestInit));
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    expect(await upload).toBeInstanceOf(BodyNotReplayableError);

    // C expires and sign-in fails twice in a row: the held call is given up.
    backend.valid.delete(C);
    const givenUp = caught(authFetch(`${API}/api/given-up?sig=${querySecret}`));
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    client.reconnect();
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }) && s.context.reauthFailures === 1);
    client.reconnect();
    expect(await givenUp).toBeInstanceOf(AuthExpiredError);

    // After the cooldown a call is held, and the app stops the session.
    clock.increment(30_000);
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    const held = caught(authFetch(`${API}/api/held`));
    await waitFor(client.actor, (s) => s.context.queue.length === 1);
    client.stop();
    expect(await held).toBeInstanceOf(AuthExpiredError);
    expect(await caught(authFetch(`${API}/api/after-stop?sig=${querySecret}`))).toBeInstanceOf(AuthExpiredError);

    // credits, items ×2, list ×2, upload, given-up: the aborted, held and post-stop calls never left.
    expect(backend.received).toHaveLength(7);
    expect(backend.received.filter((row) => secrets.slice(0, 6).some((s) => row.url.includes(s)))).toEqual([]);
    expect(watch.inspected.length).toBeGreaterThan(50);
    expect(watch.errors).toHaveLength(5);
    expect(watch.findLeaks(secrets)).toEqual([]);
  });

  it("in the session's own errors when validate or the popup hand back something else than they should", async () => {
    watch = watchForLeaks();
    // Two wiring mistakes an app can make: validate resolves the token itself, the popup resolves the token response object.
    let validations = 0;
    const { client, clock } = createStoryClient([], {
      validate: async ({ token }) => (++validations === 1 ? (token as unknown as boolean) : false),
      reauthenticate: async () => ({ access_token: B }) as unknown as string,
      limits: { validationRetries: 1, validationBackoffMs: 1 },
    });
    backend.valid.delete(A);
    const call = client.authFetch(`${API}/api/one`);
    // The first answer is not a boolean: the backend could not say; the retry says expired.
    await waitFor(client.actor, (s) => s.matches({ validating: 'retrying' }));
    clock.increment(1);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.lastReauthError !== null);
    expect(client.actor.getSnapshot().context.lastReauthError?.message).toMatch(/returned no token/);
    client.stop();
    watch.errors.push(await call.catch((e: unknown) => e));
    expect(watch.inspected.filter((text) => /validate must resolve true or false/.test(text)).length).toBeGreaterThan(0);
    expect(watch.inspected.filter((text) => /returned no token/.test(text)).length).toBeGreaterThan(0);
    expect(watch.findLeaks(secrets)).toEqual([]);
  });

  it('in the errors of bad options, a missing origin, a bad adopted token or a missing client', async () => {
    watch = watchForLeaks();
    // getToken is wired: the checks must not read it, nor print what it returns.
    const good = { getToken: () => A, setToken: () => {}, validate: async () => true, reauthenticate: async () => B };
    const bad: unknown[] = [
      { ...good, setToken: 'setToken' },
      { ...good, validate: true },
      { ...good, fetch: 42 },
      { ...good, allowedOrigins: 'https://api.test' },
      { ...good, allowedOrigins: ['https://api.test/v1'] },
      { ...good, validationTimeoutMs: -1 },
      { ...good, expiryLeadMs: Number.NaN },
      { ...good, limits: { reauthAttempts: 'three' } },
    ];
    for (const options of bad) watch.errors.push(captureThrow(() => createAuthFetch(options as AuthFetchOptions)));
    const noOrigin = createAuthFetch(good);
    watch.errors.push(await noOrigin.authFetch(`${API}/api/x`).catch((e: unknown) => e));
    watch.errors.push(captureThrow(() => noOrigin.adoptToken('')));
    noOrigin.stop();
    watch.errors.push(await appWideAuthFetch(`${API}/api/x`).catch((e: unknown) => e));
    expect(watch.errors.every((e) => e instanceof TypeError || e instanceof QuietSessionError)).toBe(true);
    expect(watch.errors).toHaveLength(bad.length + 3);
    expect(watch.findLeaks(secrets)).toEqual([]);
  });

  it('in the request a BodyNotReplayableError keeps: it is a copy without the Authorization that was sent', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.streamSecret9';
    const client = createAuthFetch({
      getToken: () => token,
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => token,
      allowedOrigins: ['https://api.test'],
      fetch: async (input) => {
        await (input as Request).arrayBuffer();
        return new Response('{}', { status: 401 });
      },
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('photo'));
        controller.close();
      },
    });
    const error = await client
      .authFetch('https://api.test/api/upload', { method: 'POST', body, duplex: 'half' } as RequestInit)
      .catch((e: unknown) => e);
    client.stop();
    expect(error).toBeInstanceOf(BodyNotReplayableError);
    expect((error as BodyNotReplayableError).request.headers.get('authorization')).toBeNull();
    expect(inspect(error, { depth: 8 })).not.toContain('streamSecret9');
  });
});

describe('in a production build, which drops the development checks', () => {
  it('never puts an adopted token no header can carry into the error of a held call', async () => {
    await inProductionBuild(
      () => import('../../src/lib/session/index.ts'),
      async (production) => {
        // A sign-in of the app's own that took the token as a MIME encoder wrapped it: a line break inside.
        const fresh = tokenNamed('leakD').replace('.eyJ', '.\r\neyJ');
        let token = A;
        const sent: Array<string | null> = [];
        const client = production.createAuthFetch({
          getToken: () => token,
          setToken: (next) => void (token = next),
          validate: async ({ token: t }) => t !== A,
          reauthenticate: async () => B,
          allowedOrigins: [API],
          fetch: async (input, init) => {
            // Built as fetch builds it: a header value it cannot carry throws its TypeError here.
            const request = new Request(input, init);
            sent.push(request.headers.get('authorization'));
            return new Response('{}', { status: request.headers.get('authorization') === `Bearer ${A}` ? 401 : 200 });
          },
        });
        const call = client.authFetch(`${API}/api/credits`).then(
          (response) => response.status,
          (error: unknown) => error,
        );
        await waitFor(client.actor, (s) => s.matches('needsReauth'));
        client.adoptToken(fresh);
        // The banner's Reconnect: the popup brings a token that works.
        client.reconnect();
        const outcome = await call;
        client.stop();
        const text = outcome instanceof Error ? `${outcome.name}: ${outcome.message}\n${outcome.stack}` : String(outcome);
        expect(text).not.toContain('leakDSig7q');
        expect({ outcome, sent }).toEqual({ outcome: 200, sent: [`Bearer ${A}`, `Bearer ${B}`] });
      },
    );
  });
});

function captureThrow(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
