/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { callOutcome, unhandledDuring } from '../support/outcomes.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const API = 'https://api.test';

const stops = stoppedAfterEach();

describe('a session created while nobody is signed in, with a store that says so with undefined', () => {
  it('starts, sends calls without a token, and takes the token of a sign-in', async () => {
    // js-cookie's Cookies.get('token'), a Map's get, an optional field: undefined when signed out.
    const cookies = new Map<string, string>();
    const sent: Array<string | null> = [];
    let client!: ReturnType<typeof createAuthFetch>;
    const escaped = await unhandledDuring(async () => {
      client = createAuthFetch({
        getToken: () => cookies.get('token') as string | null,
        setToken: (token) => void cookies.set('token', token),
        validate: async () => true,
        reauthenticate: () => new Promise<string>(() => {}),
        allowedOrigins: [API],
        clock: new SimulatedClock(),
        fetch: async (_input, init) => {
          sent.push(new Headers(init?.headers).get('authorization'));
          return new Response('{}');
        },
      });
      stops.push(client.stop);
      await new Promise((resolve) => setTimeout(resolve, 0)); // where xstate reports an actor's error
    });
    expect(escaped).toEqual([]);
    expect(client.actor.getSnapshot().status).toBe('active');

    expect((await client.authFetch(`${API}/api/public`)).status).toBe(200);
    client.adoptToken('signed-in-token'); // the sign-in page's token
    expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    expect(sent).toEqual([null, 'Bearer signed-in-token']);
  });
});

describe('signing out with a store that says so with undefined', () => {
  it('sends no "Bearer undefined", and the public call is answered as it would be without a session', async () => {
    const cookies = new Map<string, string>([['token', 'ada-token']]);
    const sent: Array<string | null> = [];
    const client = createAuthFetch({
      getToken: () => cookies.get('token') as string | null,
      setToken: (token) => void cookies.set('token', token),
      validate: async ({ token }) => token === 'ada-token',
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (_input, init) => {
        const authorization = new Headers(init?.headers).get('authorization');
        sent.push(authorization);
        return new Response('{}', { status: authorization === 'Bearer ada-token' ? 200 : 401 });
      },
    });
    stops.push(client.stop);
    expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    // Sign-out: the cookie goes (js-cookie's Cookies.remove; get answers undefined), and the session is told.
    cookies.delete('token');
    client.endSession();

    // A call of the signed-out page: no session, so its 401 is its own, at once; no banner.
    const outcome = await callOutcome(client.authFetch(`${API}/api/public`));
    expect(outcome).toBe('answered 401');
    expect(sent.slice(1)).toEqual([null]);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });
});

// localStorage.getItem(key) ?? '', a cookie parser, an input's value: '' when nobody is signed in.
describe('a store that says nobody with an empty string', () => {
  it('sends calls without a token, and their 401 is theirs: no banner, no validation', async () => {
    const sent: Array<string | null> = [];
    let validations = 0;
    const client = createAuthFetch({
      getToken: () => '',
      setToken: () => {},
      validate: async () => {
        validations++;
        return false;
      },
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (_input, init) => {
        sent.push(new Headers(init?.headers).get('authorization'));
        return new Response('{}', { status: 401 });
      },
    });
    stops.push(client.stop);
    expect(await callOutcome(client.authFetch(`${API}/api/public`))).toBe('answered 401');
    expect(await callOutcome(client.authFetch(`${API}/api/public`, { method: 'POST', body: '{}' }))).toBe('answered 401');
    expect(sent).toEqual([null, null]);
    expect(validations).toBe(0);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });
});
