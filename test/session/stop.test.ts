/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { AuthExpiredError, createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { deferred } from '../app/support/session-fixture.ts';
import { handAnsweredSession, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { callOutcome } from '../support/outcomes.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { liveListeners } from '../support/live-listeners.ts';

const API = 'https://api.test';
/** Expiry times far in the future, on the real clock (these sessions run on it unless given one). */
const hours = (n: number) => 4_000_000_000_000 + n * 3_600_000;
const jwt = (expMs: number, sub = 'ada') => unsignedJwt({ sub, exp: expMs / 1000 });

/** A clock that counts the timers it holds, for the chart. */
function countingClock() {
  const clock = new SimulatedClock();
  const pending = new Set<unknown>();
  return {
    pending,
    now: () => clock.now(),
    increment: (ms: number) => clock.increment(ms),
    setTimeout: (fn: () => void, ms: number) => {
      const id = clock.setTimeout(() => {
        pending.delete(id);
        fn();
      }, ms);
      pending.add(id);
      return id;
    },
    clearTimeout: (id: unknown) => {
      pending.delete(id);
      clock.clearTimeout(id as never);
    },
  };
}

function session(overrides: Partial<AuthFetchOptions> = {}) {
  let token: string | null = jwt(hours(1));
  const sent: Array<string | null> = [];
  const respond = { status: 200 };
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = next),
    validate: async () => false,
    reauthenticate: async () => jwt(hours(2)),
    allowedOrigins: [API],
    fetch: async (_input, init) => {
      sent.push(new Headers(init?.headers).get('authorization'));
      return new Response('{}', { status: respond.status });
    },
    ...overrides,
  });
  stops.push(client.stop);
  return { client, sent, respond, token: () => token };
}
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.restoreAllMocks();
});

describe('stop', () => {
  it("removes every listener it added to the page and every timer of the chart's", () => {
    const onWindow = liveListeners(window);
    const onDocument = liveListeners(document);
    const clock = countingClock();
    const { client } = session({ clock });
    expect([...onWindow].map((listener) => listener.split(' ')[0])).toEqual(
      expect.arrayContaining(['online', 'offline', 'focus', 'pointerdown', 'keydown', 'input']),
    );
    expect([...onDocument].map((listener) => listener.split(' ')[0])).toEqual(['visibilitychange']);
    expect(clock.pending.size).toBeGreaterThan(0);
    const warn = vi.spyOn(console, 'warn');
    client.stop();
    client.stop(); // twice: nothing more to do, nothing to warn about
    expect(warn).not.toHaveBeenCalled();
    expect([...onWindow, ...onDocument]).toEqual([]);
    expect(clock.pending.size).toBe(0);
    expect(client.actor.getSnapshot().status).toBe('done');
  });

  it('hears nothing from the browser any more', () => {
    const validate = vi.fn(async () => true);
    const { client } = session({ validate, getToken: () => jwt(30_000) });
    client.stop();
    window.dispatchEvent(new Event('online'));
    document.dispatchEvent(new Event('visibilitychange'));
    expect(validate).not.toHaveBeenCalled();
  });

  it('rejects later calls, to other origins and with an expiring token too, and ignores an adopted token', async () => {
    const { client, sent, token } = session();
    client.stop();
    await expect(client.authFetch(`${API}/api/credits`)).rejects.toBeInstanceOf(AuthExpiredError);
    await expect(client.authFetch('https://elsewhere.test/x')).rejects.toBeInstanceOf(AuthExpiredError);
    client.adoptToken(jwt(hours(3)));
    expect(token()).toBe(jwt(hours(1)));
    expect(sent).toEqual([]);
  });

  it('does not store the token of a sign-in that finishes after stop(), nor one that finishes after sign-out', async () => {
    for (const end of ['stop', 'endSession'] as const) {
      const popup = deferred<string>();
      const { client, respond, token } = session({ reauthenticate: () => popup.promise });
      respond.status = 401;
      const held = client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
      await vi.waitUntil(() => client.actor.getSnapshot().matches('needsReauth'));
      client.reconnect();
      client[end]();
      popup.resolve(jwt(hours(3)));
      await popup.promise;
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(token(), end).toBe(jwt(hours(1)));
      expect(await held).toBeInstanceOf(AuthExpiredError);
      expect((await held) as AuthExpiredError).toMatchObject({ reason: end === 'stop' ? 'stopped' : 'signed-out' });
    }
  });

  it('does not send a call answered 401 and let go in the turn of stop()', async () => {
    const { client, sent, respond } = session({ validate: async () => true });
    respond.status = 401;
    // The validation says the token is good: the 401 is let go for its replay, and in that turn the client stops.
    let validating = false;
    client.actor.subscribe((snapshot) => {
      if (validating && snapshot.matches('active')) client.stop();
      validating = snapshot.matches('validating');
    });
    await expect(client.authFetch(`${API}/api/credits`)).rejects.toBeInstanceOf(AuthExpiredError);
    expect(sent).toHaveLength(1);
  });
  it('rejects a call whose 401 came through a redirect, let go in the turn of stop() or of a sign-out', async () => {
    for (const end of ['stop', 'endSession'] as const) {
      const { client, answers } = sessionWithCallsInFlight();
      stops.push(client.stop);
      // The validation says the token is good: the held 401 is let go, and in that turn the session ends.
      let validating = false;
      client.actor.subscribe((snapshot) => {
        if (validating && snapshot.matches('active')) client[end]();
        validating = snapshot.matches('validating');
      });
      const call = client.authFetch(`${API}/api/credits`);
      // The route's 401 at the end of a redirect within the API: held while the session checks the token.
      const response = new Response('{}', { status: 401 });
      Object.defineProperties(response, { redirected: { value: true }, url: { value: `${API}/login` } });
      answers[0]!(response);
      await expect(call, end).rejects.toMatchObject({ name: 'AuthExpiredError', reason: end === 'stop' ? 'stopped' : 'signed-out' });
      expect(answers).toHaveLength(1);
    }
  });
});

describe('stop() with calls held or out', () => {
  const layer = layerOnFakeBackend();

  it('rejects held requests and later calls with AuthExpiredError', async () => {
    const { client, expire } = layer.session();
    expire();
    const call = client.authFetch(`${API}/api/credits`);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.stop();
    await expect(call).rejects.toBeInstanceOf(AuthExpiredError);
    await expect(client.authFetch(`${API}/api/credits`)).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'stopped' });
  });

  it('does not send a call that was in flight again after stop(), even when the token changed meanwhile', async () => {
    const { client, sends } = handAnsweredSession({ validate: async () => true, reauthenticate: async () => 'never-used' });
    const call = client.authFetch(`${API}/api/credits`);
    client.stop();
    client.adoptToken('bob-token');
    sends[0]!.answer(401);
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(sends).toHaveLength(1);
  });

  it('settles a call that was in flight at stop() and answered 401 after it', async () => {
    const { client, answers } = sessionWithCallsInFlight();
    const call = client.authFetch('https://api.test/api/credits');
    expect(answers).toHaveLength(1); // in flight
    client.stop();
    answers[0]!(new Response('{}', { status: 401 }));
    await expect(call).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'stopped' });
  });

  it('tells the stopped chart nothing of an answer after stop(), not even a backend clock far off', async () => {
    const warn = vi.spyOn(console, 'warn');
    const { client, answers } = sessionWithCallsInFlight();
    const call = client.authFetch('https://api.test/api/credits');
    client.stop();
    // A 401 reads the backend's clock at once: its Date says the backend is an hour ahead.
    answers[0]!(new Response('{}', { status: 401, headers: { date: new Date(Date.now() + 3_600_000).toUTCString() } }));
    await expect(call).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'stopped' });
    expect(warn).not.toHaveBeenCalled();
  });

  it('settles a held call let go in the same tick as stop(), without sending it', async () => {
    let token = 'alice-token';
    const sent: Array<string | null> = [];
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => {
        token = next;
      },
      validate: async () => false,
      reauthenticate: async () => 'never-used',
      allowedOrigins: ['https://api.test'],
      fetch: async (_input, init) => {
        sent.push(new Headers(init?.headers).get('authorization'));
        return new Response('{}', { status: 401 });
      },
    });
    // Offline: the call is held, not sent.
    client.actor.send({ type: 'network.offline' });
    const call = client.authFetch('https://api.test/api/credits');
    client.adoptToken('bob-token');
    client.stop();
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(sent).toEqual([]);
  });
});

describe('stop() while the chart is busy with an event', () => {
  // Sent while the chart handles another event, the end must still reach it before it stops.
  it('from a subscriber: every held call and every call out then rejects with AuthExpiredError', async () => {
    const { client, sends } = handAnsweredSession({ validate: async () => false });
    // An app without Reconnect ends the session when it expires, from its subscription to the chart.
    client.actor.subscribe((snapshot) => {
      if (snapshot.matches('needsReauth')) client.stop();
    });
    const held = client.authFetch(`${API}/api/held`);
    const inFlight = client.authFetch(`${API}/api/in-flight`);
    // Read from now on: it rejects at stop(), before the call out is answered.
    const heldOutcome = callOutcome(held);
    sends[0]!.answer(401);
    await vi.waitUntil(() => client.actor.getSnapshot().status === 'done');
    sends[1]!.answer(401);
    expect([await heldOutcome, await callOutcome(inFlight)]).toEqual(['AuthExpiredError', 'AuthExpiredError']);
    expect(sends).toHaveLength(2);
  });

  it('from validate: the held call rejects and the chart stops', async () => {
    let stop = () => {};
    const { client, sends } = handAnsweredSession({
      validate: () => {
        stop();
        return new Promise<boolean>(() => {});
      },
    });
    stop = client.stop;
    const held = client.authFetch(`${API}/api/held`);
    sends[0]!.answer(401);
    expect(await callOutcome(held)).toBe('AuthExpiredError');
    expect(client.actor.getSnapshot().status).toBe('done');
    expect(sends).toHaveLength(1);
  });
});

/** A session whose calls stay in flight until the test answers them: `answers[i]` answers the i-th send. */
function sessionWithCallsInFlight() {
  const answers: Array<(response: Response) => void> = [];
  const client = createAuthFetch({
    getToken: () => 'token-1',
    setToken: () => {},
    validate: async () => true,
    reauthenticate: async () => 'token-2',
    allowedOrigins: ['https://api.test'],
    fetch: () => new Promise<Response>((resolve) => answers.push(resolve)),
  });
  return { client, answers };
}
