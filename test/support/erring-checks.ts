import { SimulatedClock } from 'xstate';
import type { SessionLimits } from '../../machines/session.machine.ts';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

/**
 * A session on a simulated clock, with a 60 s expiry lead, whose every validation meets a server error (503).
 * Its calls to `api` are answered by `answer` at the clock's time; `sent` says when each went.
 *
 * @example
 * const { client, clock, sent } = sessionWhoseChecksErr({ api, token, limits: {}, answer: () => new Response(null) });
 */
export function sessionWhoseChecksErr(options: {
  api: string;
  token: string;
  limits: Partial<SessionLimits>;
  answer: (now: number) => Response;
}) {
  const clock = new SimulatedClock();
  const sent: number[] = [];
  const client = createAuthFetch({
    getToken: () => options.token,
    setToken: () => {},
    validate: async () => {
      throw new Error('Checking the session failed (503).');
    },
    reauthenticate: () => new Promise<string>(() => {}),
    allowedOrigins: [options.api],
    expiryLeadMs: 60_000,
    limits: options.limits,
    clock,
    fetch: async () => {
      sent.push(clock.now());
      return options.answer(clock.now());
    },
  });
  return { client, clock, sent };
}
