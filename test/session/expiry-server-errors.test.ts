/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { sessionWhoseChecksErr } from '../support/erring-checks.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const API = 'https://api.test';
const jwt = (expMs: number) => unsignedJwt({ sub: 'ada', exp: expMs / 1000 });

const stops = stoppedAfterEach();

/** Lets the promises of a call settle. */
const settle = async () => {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

// The lead window's validation meets server errors until its retries are used up: the check is postponed a lead window.
describe('an expiry check postponed by server errors', () => {
  it('never lets a call go with the token past its exp', async () => {
    const { client, clock, sent } = sessionWhoseChecksErr({
      api: API,
      token: jwt(120_000),
      limits: { validationRetries: 2, validationBackoffMs: 10_000 },
      answer: (now) => new Response('{}', { status: now < 120_000 ? 200 : 401 }),
    });
    stops.push(client.stop);
    clock.increment(60_000); // exp - lead: the timer asks; 503
    await settle();
    clock.increment(10_000); // retry: 503
    await settle();
    clock.increment(20_000); // retry: 503, given up at 90 s; the check waits a lead window (150 s)
    await settle();
    await waitFor(client.actor, (s) => s.matches('active'));

    clock.increment(35_000); // 125 s: 5 s past exp
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await settle();
    // A token past its exp is dead: the call must wait (validate, or ask the user), not be sent with it.
    expect(sent).toEqual([]);
  });
});

describe('a postponed expiry check', () => {
  it('asks a backend that could not say again a lead window later, not every half minute meanwhile', async () => {
    const clock = new SimulatedClock();
    let validations = 0;
    const client = createAuthFetch({
      getToken: () => jwt(600_000),
      setToken: () => {},
      validate: async () => {
        validations++;
        throw new Error('Checking the session failed (503).');
      },
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      expiryLeadMs: 300_000,
      remindBeforeMs: 0,
      limits: { validationRetries: 0 },
      clock,
    });
    stops.push(client.stop);
    clock.increment(300_000); // exp - lead: the timer asks; 503, the check waits a lead window
    await settle();
    await waitFor(client.actor, (s) => s.matches('active'));
    for (let second = 0; second < 290; second += 10) {
      clock.increment(10_000);
      await settle();
    }
    expect(validations).toBe(1);
  });
});
