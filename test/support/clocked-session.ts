import { SimulatedClock } from 'xstate';
import { createAuthFetch, type AuthFetchClient, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API } from './fake-backend.ts';
import { stoppedAfterEach } from './stopped-after-each.ts';
import { unsignedJwt } from './unsigned-jwt.ts';

export { API } from './fake-backend.ts';

type Clock = NonNullable<AuthFetchOptions['clock']>;

/** The options of a clocked session: any of the layer's, and a clock of the test's own. */
export type ClockedSessionOptions<C extends Clock> = Partial<Omit<AuthFetchOptions, 'clock'>> & { clock?: C };

/**
 * Sessions on a clock the test moves (a fresh `SimulatedClock` unless `clock` is given) and no backend: ada's
 * unsigned JWT ends at 10 minutes, validate says yes, the popup never answers, every call is answered 200, the
 * expiry lead is 60 s and the notice 2 minutes (the layer's defaults, said here). `overrides` replace any option
 * (`clock: undefined`: the real timers); each session stops after the test that made it.
 *
 * @example
 * const clockedSession = clockedSessions();
 * const { client, clock } = clockedSession({ remindBeforeMs: 0 });
 * clock.increment(540_000); // exp - lead: the session asks the backend
 */
export function clockedSessions() {
  const stops = stoppedAfterEach();
  return function clockedSession<C extends Clock = SimulatedClock>(
    overrides: ClockedSessionOptions<C> = {},
  ): { client: AuthFetchClient; clock: C } {
    // `clock: undefined`, said outright, leaves the session on the real timers.
    const clock = ('clock' in overrides ? overrides.clock : new SimulatedClock()) as C;
    const client = createAuthFetch({
      getToken: () => unsignedJwt({ sub: 'ada', exp: 600 }),
      setToken: () => {},
      validate: async () => true,
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      expiryLeadMs: 60_000,
      remindBeforeMs: 120_000,
      fetch: async () => new Response('{}'),
      ...overrides,
      clock,
    });
    stops.push(client.stop);
    return { client, clock };
  };
}
