import { createActor, type ActorRefFrom } from 'xstate';
import type { SessionContext, SessionEvent, sessionMachine } from '../../../machines/session.machine.ts';
import { createAdoptToken } from './adopt-token.ts';
import { attempt } from './attempt.ts';
import type { AuthFetchClient } from './auth-fetch-client.ts';
import { createBrowserSignals } from './browser-signals.ts';
import { createAuthFetchCall } from './calls.ts';
import { provideChart } from './chart-wiring.ts';
import { DEV } from './dev.ts';
import { createHoldRegistry } from './hold-registry.ts';
import { assertAuthFetchOptions, assertOriginList } from './option-checks.ts';
import { chartInput, type AuthFetchOptions } from './options.ts';
import { callableOptions } from './callable-options.ts';
import { createOwnWork } from './own-work.ts';
import { createServerClock } from './server-clock.ts';
import { createSessionReport } from './session-report.ts';
import { lastTokenClaims } from './token-claims.ts';
import { createExpiryAwareness } from './token-expiry.ts';

type SessionActor = ActorRefFrom<typeof sessionMachine>;

/**
 * Creates a session and its `authFetch`. Of its own it sends only `validate`'s checks: when the token
 * nears its `exp`, and to probe a backend it could not reach.
 *
 * @example
 * const client = createAuthFetch({
 *   getToken: () => localStorage.getItem('token'),
 *   setToken: (token) => localStorage.setItem('token', token),
 *   // false on 401 only: any other failure throws, and the session asks again rather than the user.
 *   validate: async ({ token, signal }) => {
 *     const me = await fetch('/auth/me', { headers: { Authorization: `Bearer ${token}` }, signal });
 *     if (!me.ok && me.status !== 401) throw new Error(`/auth/me: ${me.status}`);
 *     return me.ok;
 *   },
 *   reauthenticate: ({ signal }) => {
 *     const state = createSignInState();
 *     return openSignInPopup({ url: `/auth/google/login?state=${state}`, state, signal });
 *   },
 * });
 * const response = await client.authFetch('/api/credits');
 */
export function createAuthFetch(given: AuthFetchOptions): AuthFetchClient {
  // Wiring mistakes are caught in development and tests; production drops the checks and their prose.
  // Stryker disable next-line ConditionalExpression: the development checks refuse all the production one does, and more
  if (DEV) assertAuthFetchOptions(given);
  else assertOriginList(given);
  const options = callableOptions(given);
  const clock = options.clock as { now?: () => number } | undefined;
  const localNow = () => clock?.now?.() ?? Date.now();
  // Declared before the chart is made: its first context is computed while the actor is built (offset 0 then).
  let actor: SessionActor | undefined;
  const snapshot = () => actor!.getSnapshot();
  const isOver = () => snapshot().status !== 'active';
  /** Sends to the chart while it runs (the popup's Try again too): a stopped chart hears nothing (tab sync may still speak to it). */
  const tell = (event: SessionEvent) => {
    if (!isOver()) actor!.send(event);
  };
  const claims = lastTokenClaims();
  /** The clock offset of the chart's step being taken: while it re-arms the timers, getSnapshot() holds the last step's. */
  let stepOffsetMs: number | null = null;
  const expiry = createExpiryAwareness({
    leadMs: options.expiryLeadMs ?? 60_000,
    // Stryker disable next-line OptionalChaining: every read while the actor is being built runs in inStep, whose stepOffsetMs comes first
    now: () => localNow() + (stepOffsetMs ?? actor?.getSnapshot().context.clockOffsetMs ?? 0),
    // Read on a vouch, when the clock below is made.
    uncertaintyMs: () => serverClock.uncertaintyMs(),
    claims,
  });
  const inStep =
    <T>(read: () => T) =>
    ({ context }: { context: SessionContext }): T => {
      stepOffsetMs = context.clockOffsetMs;
      try {
        return read();
      } finally {
        stepOffsetMs = null;
      }
    };
  const currentToken = () => attempt(options.getToken) ?? null;
  const own = createOwnWork();
  // Back from what may have been a sleep: the clock may have been set meanwhile, and the next answer says by how much.
  const signals = createBrowserSignals({ now: localNow, onBack: () => serverClock.readNext() });
  const report = createSessionReport({ now: localNow });
  const held = createHoldRegistry({
    announceNow: () => snapshot().hasTag('sending'),
    announce: (requests) => actor!.send({ type: 'request.held', requests }),
    withdraw: (id) => actor!.send({ type: 'request.aborted', id }),
  });
  const serverClock = createServerClock({
    now: localNow,
    offset: () => snapshot().context.clockOffsetMs,
    report: (offsetMs) => {
      if (isOver()) return;
      // Before the chart re-arms its timers on the new reading: a trust measured on the old one could outlast exp.
      expiry.clockChanged(offsetMs - snapshot().context.clockOffsetMs);
      actor!.send({ type: 'clock.observed', offsetMs });
    },
  });

  actor = createActor(
    provideChart({
      options,
      expiry,
      claims,
      inStep,
      currentToken,
      localNow,
      clockKnown: serverClock.known,
      msUntilClockRead: serverClock.msUntilReadingGivenUp,
      held,
      signals,
      own,
      tell,
    }),
    {
      input: chartInput(options),
      ...(options.clock && { clock: options.clock }),
      // The chart's own events fill the report: nothing runs per request while the session is healthy.
      inspect: (inspection) => {
        if (inspection.type === '@xstate.snapshot' && inspection.actorRef.sessionId === inspection.rootId) {
          report.transition(inspection.event, inspection.snapshot as never);
        }
      },
    },
  );
  actor.start();
  const started = actor;
  const signedIn = () => currentToken() !== null;

  return {
    authFetch: createAuthFetchCall({ options, actor: started, held, claims, expiry, serverClock, own }),
    actor: started,
    reconnect: () => tell({ type: 'reauth.requested' }),
    dismissReminder: (forToken) => tell({ type: 'reminder.dismissed', ...(forToken && { exp: forToken.exp }) }),
    adoptToken: createAdoptToken({ options, own, claims, currentToken, actor: started }),
    signInFailed: (error) => tell({ type: 'reauth.failed', error }),
    endSession: (only) => {
      if (!only?.whileSignedOut || currentToken() === null) tell({ type: 'session.ended' });
    },
    reconnectingElsewhere: (reconnecting) => tell({ type: reconnecting ? 'reauth.startedElsewhere' : 'reauth.endedElsewhere' }),
    backendAnsweredElsewhere: () => tell({ type: 'backend.answeredElsewhere' }),
    // The chart's final state: every held call is given up, its timers and the browser's listeners go with it.
    stop: () => tell({ type: 'session.stopped' }),
    now: localNow,
    signedIn,
    report: () => report.build(snapshot(), signedIn()),
    note: report.note,
  };
}
