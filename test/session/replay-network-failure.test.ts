/** @vitest-environment node */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

const API = 'https://api.test';
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

const settle = async () => {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/**
 * A call that fails at the network (fetch's TypeError) takes the session offline: the calls made after it
 * wait for the backend. Found by the fuzz (npm test's seed, 20261129, once it knew when the network last
 * failed; kept in test/fuzz/support/fuzz-found.ts, awaitingCoreFix). Fails today: only send() tells the
 * chart of a network failure; a replay's own failure reaches its caller and nothing else, so the session
 * stays active and the next call goes out into the dead network.
 */
describe('a replay that fails at the network', () => {
  it('takes the session offline like any call', async () => {
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => 't1',
      setToken: () => {},
      validate: async () => true, // the 401 was a fluke: the token is good
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (input) => {
        sent.push(new URL(String(input)).pathname);
        if (sent.length === 1) return new Response(null, { status: 401 });
        throw new TypeError('Failed to fetch'); // the network is gone from the replay on
      },
    });
    stops.push(client.stop);
    const credits = client.authFetch(`${API}/api/credits`);
    await expect(credits).rejects.toBeInstanceOf(TypeError); // its replay failed at the network
    await waitFor(client.actor, (s) => !s.matches('validating'));
    expect(client.actor.getSnapshot().matches('offline')).toBe(true);

    void client.authFetch(`${API}/api/generate`).catch(() => {});
    await settle();
    expect(sent).toEqual(['/api/credits', '/api/credits']);
  });
});
