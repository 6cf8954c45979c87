/** @vitest-environment node */
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { API, handAnsweredSession, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { callOutcome } from '../support/outcomes.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

describe('a call answered 401 is sent again once', () => {
  const layer = layerOnFakeBackend();
  const { backend, server } = layer;

  it('replays a spurious 401 once with the current token', async () => {
    const { client, validate } = layer.session();
    server.use(http.get(`${API}/api/once`, () => HttpResponse.json({}, { status: 401 }), { once: true }));
    const response = await client.authFetch(`${API}/api/once`);
    expect(response.status).toBe(200);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it('keeps its token, vouched for after a spurious 401, over an older one that a late tab message names', async () => {
    const { client, store } = layer.session();
    const now = Math.floor(Date.now() / 1000);
    const older = unsignedJwt({ sub: 'ada', iat: now - 60, exp: now + 3_600 }); // revoked by the sign-in since
    store.token = unsignedJwt({ sub: 'ada', iat: now, exp: now + 3_600 });
    backend.valid.add(store.token);
    server.use(http.get(`${API}/api/once`, () => HttpResponse.json({}, { status: 401 }), { once: true }));
    expect((await client.authFetch(`${API}/api/once`)).status).toBe(200); // the backend vouched for the token: replayed
    client.adoptToken(older, { whileSignedIn: true }); // the earlier sign-in's message, late
    expect(await callOutcome(client.authFetch(`${API}/api/credits`))).toBe('answered 200');
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it("reads the backend's clock at once from the replay's 401 too: the caller's answer, and the backend's time", async () => {
    const { client } = layer.session();
    let sent = 0;
    server.use(
      http.get(`${API}/api/clocked`, () => {
        // The first 401 agrees with this tab's clock; the replay's, after the backend vouched for the token, is ten minutes ahead.
        const date = new Date(Date.now() + (sent++ === 0 ? 0 : 600_000)).toUTCString();
        return new HttpResponse(null, { status: 401, headers: { date } });
      }),
    );
    expect((await client.authFetch(`${API}/api/clocked`)).status).toBe(401);
    expect(sent).toBe(2);
    expect(Math.abs(client.actor.getSnapshot().context.clockOffsetMs - 600_000)).toBeLessThan(2_000);
  });

  it('returns a second 401 to its caller instead of looping', async () => {
    const { client, validate } = layer.session();
    let sends = 0;
    server.use(
      http.get(`${API}/api/forbidden-ish`, () => {
        sends += 1;
        return HttpResponse.json({ detail: 'no' }, { status: 401 });
      }),
    );
    const response = await client.authFetch(`${API}/api/forbidden-ish`);
    expect(response.status).toBe(401);
    expect(sends).toBe(2);
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('replays a 401 for an old token at once with the new one, without validating', async () => {
    const { client, store, validate } = layer.session();
    const slow = backend.gate('slow');
    const call = client.authFetch(`${API}/api/slow`, { headers: { 'x-gate': 'slow' } });
    await slow.reached;
    store.token = 't9';
    backend.valid.add('t9');
    slow.open(401);
    const response = await call;
    expect(response.status).toBe(200);
    expect(backend.apiRequests('/api/slow').map((r) => r.authorization)).toEqual(['Bearer t1', 'Bearer t9']);
    expect(validate).not.toHaveBeenCalled();
  });

  it('sends a call in flight again when only the token changed (a refresh in another tab), and the session goes on', async () => {
    const { client, sends } = handAnsweredSession({ validate: async () => true });
    const call = client.authFetch(`${API}/api/credits`);
    client.adoptToken('alice-token-2');
    sends[0]!.answer(401);
    await vi.waitFor(() => expect(sends).toHaveLength(2));
    sends[1]!.answer(200);
    expect(await callOutcome(call)).toBe('answered 200');
    expect(sends.map((s) => s.authorization)).toEqual(['Bearer alice-token', 'Bearer alice-token-2']);
    client.stop();
  });

  it('keeps calls held when the token the backend refused comes back from another tab (a late or repeated message)', async () => {
    const { client, expire } = layer.session();
    expire();
    const call = client.authFetch(`${API}/api/held`);
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    // Tabs share the token's storage: the message names the very token this tab was refused.
    client.adoptToken('t1', { whileSignedIn: true });
    client.reconnect();
    client.adoptToken('t1', { whileSignedIn: true });
    await waitFor(client.actor, (s) => s.matches('active'));
    expect(await callOutcome(call)).toBe('answered 200');
    expect(backend.apiRequests('/api/held').map((r) => r.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });
});

// A replay is the chart's to order: it waits as any call would for the state the session is in.
describe('the replay of a 401 whose token changed while it was out', () => {
  /** A JWT for ada that expires at `expMs` (the session's clock starts at 0), its signature `name`. */
  const jwt = (name: string, expMs: number) =>
    `${btoa('{"alg":"HS256"}')}.${btoa(JSON.stringify({ sub: 'ada', exp: expMs / 1000 })).replace(/=+$/, '')}.${name}`;

  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  const settle = async () => {
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  };

  /** A session whose every send, and every validation, waits until the test answers it. */
  function session(first: string) {
    let token = first;
    const clock = new SimulatedClock();
    const sends: Array<{ token: string | undefined; answer: (status: number) => void; redirected: () => void; fail: () => void }> = [];
    const validations: Array<string | undefined> = [];
    const answers: Array<(valid: boolean) => void> = [];
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: ({ token }) => {
        validations.push(token?.split('.')[2]);
        return new Promise<boolean>((resolve) => answers.push(resolve));
      },
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock,
      fetch: (_input, init) =>
        new Promise<Response>((resolve, reject) => {
          sends.push({
            token: new Headers(init?.headers).get('authorization')?.split('.')[2],
            answer: (status) => resolve(new Response(null, { status })),
            // A 401 at the end of a redirect within the API: the route's own answer while the token it went with stands.
            redirected: () => resolve(redirected401()),
            fail: () => reject(new TypeError('Failed to fetch')),
          });
        }),
    });
    stops.push(client.stop);
    return { client, clock, sends, validations, answers, storeElsewhere: (next: string) => void (token = next) };
  }
  const redirected401 = () => {
    const response = new Response(null, { status: 401 });
    Object.defineProperties(response, { redirected: { value: true }, url: { value: `${API}/login` } });
    return response;
  };

  it('waits for the backend when the session is offline', async () => {
    const { client, sends } = session(jwt('t1', 3_600_000));
    void client.authFetch(`${API}/api/a`, { method: 'POST' }).catch(() => {});
    void client.authFetch(`${API}/api/b`).catch(() => {});
    client.adoptToken(jwt('t2', 3_600_000)); // another tab signed in: b is out with t1
    sends[0]!.fail(); // a write's network failed: the session is offline
    await settle();
    expect(client.actor.getSnapshot().matches('offline')).toBe(true);

    sends[1]!.answer(401); // b's 401, for t1
    await settle();
    expect(sends.map((send) => send.token)).toEqual(['t1', 't1']);
    expect(client.actor.getSnapshot().context.queue.map((held) => held.url)).toEqual([`${API}/api/b`]);
  });

  it('never goes with the new token past its exp, nor before the validation the session is waiting for', async () => {
    const { client, clock, sends } = session(jwt('t1', 3_600_000));
    void client.authFetch(`${API}/api/b`).catch(() => {});
    client.adoptToken(jwt('t2', 600_000)); // b is out with t1
    clock.increment(630_000); // t2 is past its exp: the session validates
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);

    sends[0]!.answer(401); // b's 401, for t1, answered late
    await settle();
    expect(sends.map((send) => send.token)).toEqual(['t1']);
  });

  it('keeps calls held when another tab names the very token being checked (a late or repeated message)', async () => {
    const { client, sends, validations } = session(jwt('t1', 3_600_000));
    void client.authFetch(`${API}/api/a`).catch(() => {});
    sends[0]!.answer(401); // t1 is refused: the session checks it
    await settle();
    expect(validations).toEqual(['t1']);
    client.adoptToken(jwt('t1', 3_600_000), { whileSignedIn: true }); // tabs share storage: the message names t1 again
    await settle();
    expect(sends.map((send) => send.token)).toEqual(['t1']);
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
  });

  it('gives its caller a 401 through a redirect within the API, not a second send, when its token comes back (a late message)', async () => {
    const { client, sends, validations, answers, storeElsewhere } = session(jwt('t1', 3_600_000));
    const b = client.authFetch(`${API}/api/b`);
    storeElsewhere(jwt('t2', 3_600_000)); // another tab stored t2 without a word: b is out with t1
    void client.authFetch(`${API}/api/a`).catch(() => {});
    sends[1]!.answer(401); // a's 401, for t2: the session checks t2
    await settle();
    expect(validations).toEqual(['t2']);
    sends[0]!.redirected(); // b's route answers 401 for t1 through a redirect: held, the token has changed
    await settle();
    client.adoptToken(jwt('t1', 3_600_000), { whileSignedIn: true }); // a tab's message, late, names t1 again
    await settle();
    expect(validations).toEqual(['t2', 't1']); // asked about before the held calls go with it
    answers[1]!(true);
    await settle();
    expect(await callOutcome(b)).toBe('answered 401');
    expect(sends.map((send) => send.token)).toEqual(['t1', 't2', 't1']);
  });

  it('never sends a call again with the token its plain 401 came for when a late message brings that token back', async () => {
    const { client, sends, validations, storeElsewhere } = session(jwt('t1', 3_600_000));
    const b = client.authFetch(`${API}/api/b`);
    storeElsewhere(jwt('t2', 3_600_000)); // another tab stored t2 without a word: b is out with t1
    const a = client.authFetch(`${API}/api/a`);
    sends[1]!.answer(401); // a's 401, for t2: the session checks t2
    await settle();
    expect(validations).toEqual(['t2']);
    sends[0]!.answer(401); // b's 401, for t1: held, the token has changed
    await settle();
    client.adoptToken(jwt('t1', 3_600_000), { whileSignedIn: true }); // a tab's message, late, names t1 again
    await settle();
    expect(sends.map((send) => send.token)).toEqual(['t1', 't2']);
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    expect(await callOutcome(b)).toBe('still pending');
    expect(await callOutcome(a)).toBe('still pending');
  });

  it('keeps ignoring the token being probed when an earlier, given-up check of it answers late', async () => {
    let token = jwt('t1', 3_600_000);
    const clock = new SimulatedClock();
    const checks: Array<(valid: boolean) => void> = [];
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: () => new Promise<boolean>((resolve) => checks.push(resolve)),
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock,
      fetch: async () => new Response(null, { status: 401 }),
    });
    stops.push(client.stop);
    void client.authFetch(`${API}/api/a`).catch(() => {}); // its 401: the session checks t1
    await settle();
    clock.increment(5_000); // no answer in time: offline
    clock.increment(1_000); // the backoff: t1 is asked about again
    expect(client.actor.getSnapshot().matches({ offline: 'confirming' })).toBe(true);
    checks[0]!(true); // the first check, given up, answers late
    await settle();
    client.adoptToken(token, { whileSignedIn: true }); // tabs share storage: a late message names t1
    await settle();
    expect(checks).toHaveLength(2);
  });

  it('asks the backend about a token from another tab that is itself expiring before the held calls go with it', async () => {
    const { client, sends, validations } = session(jwt('t1', 30_000));
    void client.authFetch(`${API}/api/a`).catch(() => {}); // t1 is expiring: a is held, the session validates
    client.adoptToken(jwt('t2', 30_000)); // another tab's token, as near its exp
    await settle();
    expect(sends).toEqual([]);
    expect(validations).toEqual(['t1', 't2']);
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
  });
});
