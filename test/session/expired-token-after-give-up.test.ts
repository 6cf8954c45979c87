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
 * The backend answers the validation of a token past its exp with server errors until the retries are used
 * up. The token is dead all the same (its exp says so): the user is asked to reconnect, and no call goes out
 * with it meanwhile. (Found by the fuzz, npm test's seed: the give-up once trusted it for a lead window.)
 */
describe('a validation given up by server errors', () => {
  it('does not send a token past its exp with the calls made after it', async () => {
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
    clock.increment(130_000); // past exp: the session validates, the backend errs
    await settle();
    // Dead all the same: the user is asked, and calls wait for the new token.
    expect(client.actor.getSnapshot().matches('needsReauth')).toBe(true);

    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await settle();
    expect(sent).toEqual([]);
  });
});
