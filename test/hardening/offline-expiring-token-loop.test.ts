/** @vitest-environment node */
import { afterEach, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

/**
 * Issue 5, "Offline is not expired": validation that cannot reach the server
 * "waits for `online` or retries with a bounded backoff". With a token past
 * its expiry lead, each give-up returns to `active`, where the expiry timer is
 * re-armed at 0 ms and started the next validation at once: about 45
 * validations a minute, for as long as the network was down. Now the timer
 * is not armed for a token already expiring; the next request validates.
 */
afterEach(() => vi.unstubAllGlobals());

it('validates at most retries + 1 times during an offline minute with an expiring token', async () => {
  const clock = new SimulatedClock();
  // The expiry timer (setTimeout) runs on the same simulated clock as the chart's backoff.
  vi.stubGlobal('setTimeout', (run: () => void, ms?: number) => clock.setTimeout(run, ms ?? 0));
  vi.stubGlobal('clearTimeout', (id?: number) => clock.clearTimeout(id as number));
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${part({ alg: 'HS256' })}.${part({ sub: 'ada', exp: 30 })}.sig`; // within the 60 s lead from the start
  let validations = 0;
  const client = createAuthFetch({
    getToken: () => token,
    setToken: () => {},
    validate: async () => {
      validations++;
      throw new TypeError('Failed to fetch');
    },
    reauthenticate: async () => 'unused',
    allowedOrigins: ['https://api.test'],
    fetch: async () => new Response('{}'),
    clock,
    limits: { validationRetries: 2, validationBackoffMs: 1_000 },
  });
  client.actor.send({ type: 'token.expiring' });
  for (let second = 0; second < 60; second++) {
    clock.increment(1_000);
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
  client.stop();
  expect(validations).toBeLessThanOrEqual(3);
});
