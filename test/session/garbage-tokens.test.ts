/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { selectReauthProblem } from '../../src/lib/session/index.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const API = 'https://api.test';
const stops = stoppedAfterEach();

describe('the session report, with a token whose exp is no date', () => {
  it('is still given: an exp in microseconds does not make report() throw', () => {
    // exp in microseconds since the epoch (a backend's unit mistake): a number, but far past any Date.
    const token = unsignedJwt({ sub: 'ada', exp: 1_700_000_000_000_000 });
    const client = createAuthFetch({
      getToken: () => token,
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => token,
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async () => new Response('{}'),
    });
    stops.push(client.stop);
    // The dev panel's "Copy session report", or an error tracker's hook: it must not throw.
    expect(() => client.report()).not.toThrow();
  });
});

describe('a token no header can carry', () => {
  it('is never sent nor handed to validate: the call waits and the user is asked to sign in', async () => {
    const validate = vi.fn(async () => true);
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => 'ada token with spaces',
      setToken: () => {},
      validate,
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (input) => {
        sent.push(String(input));
        return new Response('{}');
      },
    });
    stops.push(client.stop);
    const call = client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
    await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    expect(validate).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
    client.stop();
    await call;
  });
});

/** A held call, then Reconnect with a sign-in that resolves `given`: the session's state after it, and the call's outcome. */
async function reconnectWith(given: unknown) {
  let token = unsignedJwt({ sub: 'ada', exp: 1 });
  const setToken = vi.fn((next: string) => void (token = next));
  const client = createAuthFetch({
    getToken: () => token,
    setToken,
    validate: async () => false,
    reauthenticate: async () => given as string,
    allowedOrigins: [API],
    clock: new SimulatedClock(),
    // As fetch does: a header value it cannot carry is a TypeError that quotes it.
    fetch: async (input, init) => new Response(new Request(input, init).url),
  });
  stops.push(client.stop);
  const call = client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
  await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
  client.reconnect();
  await waitFor(client.actor, (s) => !s.matches('reauthenticating'));
  const snapshot = client.actor.getSnapshot();
  client.stop();
  return { setToken, snapshot, outcome: await call };
}

describe('a sign-in that hands back a token no header can carry', () => {
  it('fails as a sign-in, keeps the held call, and never quotes the token in an error', async () => {
    // The same account's, with a line break a text body ended in: no header can carry it.
    const { setToken, snapshot, outcome } = await reconnectWith(`${unsignedJwt({ sub: 'ada', exp: 4_000_000_000 })}\nunsafeSig7`);
    expect(setToken).not.toHaveBeenCalled();
    expect(snapshot.matches('needsReauth')).toBe(true);
    expect(selectReauthProblem(snapshot)).toBe('Sign-in returned no token. Press Reconnect to try again.');
    expect(snapshot.context.queue).toHaveLength(1);
    expect(String(outcome)).not.toContain('unsafeSig7');
  });
});

describe('a sign-in that hands back no token at all', () => {
  // `reauthenticate: () => fetchToken()` that ends in `localStorage.getItem(...)`, or a JSON answer's missing field.
  it.each([[null], [undefined], [42]])('%s: fails as a sign-in, stores nothing, and keeps the held call', async (none) => {
    const { setToken, snapshot } = await reconnectWith(none);
    expect(setToken).not.toHaveBeenCalled();
    expect(selectReauthProblem(snapshot)).toBe('Sign-in returned no token. Press Reconnect to try again.');
    expect(snapshot.context.queue).toHaveLength(1);
  });
});

/** A session whose first sign-in ('good') is stored mangled: another tab's write over it, or the app's setToken's bug. */
function mangledOnFirstSignIn() {
  let token = 'old';
  let writes = 0;
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = ++writes === 1 ? `${next}\nunsafeSig7` : next),
    validate: async ({ token: asked }) => asked === 'good',
    reauthenticate: async () => 'good',
    allowedOrigins: [API],
    clock: new SimulatedClock(),
    // As fetch does: a header value it cannot carry is a TypeError that quotes it.
    fetch: async (input, init) =>
      new Response('{}', { status: new Request(input, init).headers.get('authorization') === 'Bearer good' ? 200 : 401 }),
  });
  stops.push(client.stop);
  return { client, writes: () => writes };
}

describe('a replay whose token no header can carry', () => {
  const calls = {
    'a GET with headers': (authFetch: typeof fetch) => authFetch(`${API}/api/credits`, { headers: { accept: 'application/json' } }),
    'a Request': (authFetch: typeof fetch) => authFetch(new Request(`${API}/api/credits`)),
    'a POST': (authFetch: typeof fetch) => authFetch(`${API}/api/credits`, { method: 'POST', body: '{"n":1}' }),
  };
  it.each(Object.keys(calls) as Array<keyof typeof calls>)(
    '%s: waits for another sign-in, never fails quoting it nor says offline',
    async (kind) => {
      const { client, writes } = mangledOnFirstSignIn();
      const call = calls[kind](client.authFetch).then(
        (response) => `answered ${response.status}`,
        (error: unknown) => String(error),
      );
      await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }) && s.context.queue.length === 1);
      client.reconnect();
      // The sign-in worked, but the token stored is none a call can carry: the user is asked again, the call kept.
      const askedAgain = waitFor(
        client.actor,
        (s) => s.matches('offline') || (s.matches({ needsReauth: 'waiting' }) && s.context.queue.length === 1 && writes() === 1),
      ).then((s) => (s.matches('offline') ? 'offline' : 'asked again'));
      expect(await Promise.race([call, askedAgain])).toBe('asked again');
      client.reconnect();
      expect(await call).toBe('answered 200');
    },
  );
});

describe('a call made under the banner, let go with a token no header can carry', () => {
  it('waits for another sign-in, never fails quoting it', async () => {
    const { client, writes } = mangledOnFirstSignIn();
    const outcome = (response: Promise<Response>) =>
      response.then(
        (answer) => `answered ${answer.status}`,
        (error: unknown) => String(error),
      );
    const first = outcome(client.authFetch(`${API}/api/credits`));
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    // Made while the banner is up: held before any send, sent once the sign-in lets it go.
    const second = outcome(client.authFetch(`${API}/api/jobs`, { method: 'POST', body: '{"n":1}' }));
    await waitFor(client.actor, (s) => s.context.queue.length === 2);
    client.reconnect();
    // The sign-in worked, but the token stored is none a call can carry: the user is asked again, both calls kept.
    const askedAgain = waitFor(
      client.actor,
      (s) => s.matches({ needsReauth: 'waiting' }) && s.context.queue.length === 2 && writes() === 1,
    ).then(() => 'asked again');
    expect(await Promise.race([second, askedAgain])).toBe('asked again');
    client.reconnect();
    expect(await Promise.all([first, second])).toEqual(['answered 200', 'answered 200']);
  });
});
