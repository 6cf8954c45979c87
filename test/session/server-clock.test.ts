/** @vitest-environment node */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

const API = 'https://api.test';
const lead = 60_000;
const day = 86_400_000;
const jwt = (expMs: number) =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'ada', exp: expMs / 1000 })).toString('base64url')}.sig`;

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe("the backend's clock, read from an answer the browser's cache gave", () => {
  it('does not move the expiry check a day late: a cached answer keeps the Date it was first sent with', async () => {
    // This tab's clock and the backend's agree. The app's first call is a GET the backend lets the browser
    // cache for a day (Cache-Control: max-age=86400): on a reload it comes from the HTTP cache, with its old Date.
    const clock = new SimulatedClock();
    clock.set(10 * day);
    const validate = vi.fn(async () => true);
    const client = createAuthFetch({
      getToken: () => jwt(10 * day + 600_000), // ends in 10 minutes
      setToken: () => {},
      validate,
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      expiryLeadMs: lead,
      remindBeforeMs: 0,
      clock,
      fetch: async (input) =>
        new Response('{}', {
          headers: { date: new Date(String(input).endsWith('/config') ? clock.now() - day : clock.now()).toUTCString() },
        }),
    });
    stops.push(client.stop);
    await client.authFetch(`${API}/api/config`); // from the cache: Date is yesterday's

    clock.increment(600_000 - lead); // exp - lead, on every clock there is
    // The token starts expiring: the session asks the backend before sending with it, as it does without the cache.
    expect(validate).toHaveBeenCalledTimes(1);
  });
});
