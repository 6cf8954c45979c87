/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { API, clockedSessions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const jwt = (expMs: number) => unsignedJwt({ sub: 'ada', exp: expMs / 1000 });

const stops = stoppedAfterEach();
const clockedSession = clockedSessions();

/** Lets the promises of a validation settle. */
const settle = async () => {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('expiryLeadMs: 0', () => {
  it('asks a backend that still accepts the token at its exp (leeway, or a clock a moment behind) a bounded number of times', async () => {
    const clock = new SimulatedClock();
    const token = jwt(60_000);
    // The backend takes tokens 10 s past their exp (PyJWT's leeway=10, say).
    const validate = vi.fn(async () => clock.now() < 70_000);
    clockedSession({ getToken: () => token, validate, expiryLeadMs: 0, remindBeforeMs: 0, clock });
    clock.increment(60_000); // exp: the timer asks, and the backend says yes
    await settle();
    for (let ms = 0; ms < 100; ms++) {
      clock.increment(1);
      await settle();
    }
    // 100 ms past exp, no call made: one validation, maybe two, not one per timer turn.
    expect(validate.mock.calls.length).toBeLessThanOrEqual(2);
  });
});

describe('a token that ends beyond the longest timer, or never', () => {
  it.each([
    ['in 60 days', () => jwt(Date.now() + 60 * 86_400_000)],
    [
      'never (no exp)',
      () => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"ada"}').toString('base64url')}.sig`,
    ],
  ])('ends %s: the session sits still, no timer firing at once in a loop', (_, token) => {
    vi.useFakeTimers(); // the browser's timers: a delay past 2^31-1 ms fires at once
    try {
      const stored = token();
      const getToken = vi.fn(() => stored);
      const client = createAuthFetch({
        getToken,
        setToken: () => {},
        validate: async () => true,
        reauthenticate: () => new Promise<string>(() => {}),
        allowedOrigins: [API],
        fetch: async () => new Response('{}'),
      });
      stops.push(client.stop);
      let steps = 0;
      client.actor.subscribe(() => steps++);
      const reads = getToken.mock.calls.length;
      vi.advanceTimersByTime(1_000);
      expect(steps).toBe(0);
      expect(getToken).toHaveBeenCalledTimes(reads);
    } finally {
      vi.useRealTimers();
    }
  });
});
