/** @vitest-environment node */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

const API = 'https://api.test';
/** A JWT for ada that expires at `expMs` (the session's clock starts at 0). */
const jwt = (expMs: number) =>
  `${btoa('{"alg":"HS256"}')}.${btoa(JSON.stringify({ sub: 'ada', exp: expMs / 1000 })).replace(/=+$/, '')}.sig`;

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

const settle = async () => {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/**
 * The backend answers the validation of an expired token with server errors until the retries are used up:
 * the held calls go with their own answers (e5fc860), and the expiry check is postponed a lead window so that
 * the session does not validate in a loop. Found by the fuzz (npm test's seed, 20261129, on e5fc860; kept in
 * test/fuzz/support/fuzz-found.ts, awaitingCoreFix). Fails today: the postponement vouches for the token,
 * and a token already past its exp is then trusted for a whole lead window: new calls go out with it.
 */
describe('a validation given up by server errors', () => {
  it.fails('does not send a token past its exp with the calls made after it', async () => {
    const clock = new SimulatedClock();
    const sent: number[] = [];
    const client = createAuthFetch({
      getToken: () => jwt(120_000),
      setToken: () => {},
      validate: async () => {
        throw new Error('Checking the session failed (503).');
      },
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      expiryLeadMs: 60_000,
      limits: { validationRetries: 0 },
      clock,
      fetch: async () => {
        sent.push(clock.now());
        return new Response(null, { status: 401 });
      },
    });
    stops.push(client.stop);
    clock.increment(130_000); // past exp: the session validates, the backend errs, the session gives up
    await settle();
    expect(client.actor.getSnapshot().matches('active')).toBe(true);

    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await settle();
    expect(sent).toEqual([]);
  });
});
