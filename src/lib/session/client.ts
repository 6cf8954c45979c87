import { createActor, type ActorRefFrom } from 'xstate';
import type { SessionContext, SessionEvent, sessionMachine } from '../../../machines/session.machine.ts';
import { createBrowserSignals } from './browser-signals.ts';
import { createAuthFetchCall } from './calls.ts';
import { provideChart } from './chart-wiring.ts';
import { DEV } from './dev.ts';
import { createHoldRegistry } from './hold-registry.ts';
import { assertAuthFetchOptions, assertOriginList } from './option-checks.ts';
import { chartInput, type AuthFetch, type AuthFetchOptions } from './options.ts';
import { callableOptions } from './callable-options.ts';
import { createOwnWork, isHeaderSafe } from './own-work.ts';
import { createServerClock } from './server-clock.ts';
import { createSessionReport, type SessionReport } from './session-report.ts';
import { issuedBefore, lastTokenClaims, readTokenClaims } from './token-claims.ts';
import { createExpiryAwareness } from './token-expiry.ts';

export type { AuthFetch, AuthFetchInit, AuthFetchOptions } from './options.ts';

/** One session: its fetch, its actor, and what the banner and the app can ask of it. */
export interface AuthFetchClient {
  /** A drop-in `fetch` (plus `replay: false` for calls that must not be sent twice); works when taken off the client. */
  authFetch: AuthFetch;
  /** The running session statechart: the selectors read its snapshots (`useSelector`, or `subscribe` after `getSnapshot()`). */
  actor: ActorRefFrom<typeof sessionMachine>;
  /**
   * The banner's Reconnect and the notice's "Stay signed in": opens the sign-in popup (again, if one is
   * already open). Call it inside the click handler (popup blockers). Heard while the banner is `expired`, the
   * notice `reminding`, or a popup open; otherwise (BannerView `elsewhere`, `coolingDown`, ReminderView `checking`)
   * it does nothing.
   */
  reconnect: () => void;
  /**
   * The notice's "Not now" in this tab: no reminder until the next token. With `exp`, said for the token with that `exp`
   * only (tab sync's). With `createTabSync`, call its `dismissReminder` instead: every tab's notice goes.
   */
  dismissReminder: (forToken?: { exp: number | null }) => void;
  /**
   * Adopts a token obtained elsewhere (a fresh sign-in, another tab): stores it
   * and, if requests are held, lets them go with it. With `whileSignedIn` (another tab's Reconnect), only while
   * a token is stored here (a tab signed out since is not signed in again by it), and only if issued no earlier than that
   * one (by `iat`, else or in a tie `exp` for the same account) unless the backend refused it. One the backend refused here, or is being
   * asked about, is ignored.
   */
  adoptToken: (token: string, options?: { whileSignedIn?: boolean }) => void;
  /**
   * A sign-in the session did not run (one `resumeSignIn` took up after a reload; tab sync's `adoptSignIn` says so)
   * failed: expired, the banner says why, as after its own popup.
   */
  signInFailed: (error: unknown) => void;
  /**
   * The user signed out (here, or in another tab): held requests are given up with AuthExpiredError,
   * never replayed with the next user's token, and none out is sent again. The session goes on. With `whileSignedOut`
   * (another tab's word), only while no token is stored here: one stored since is a newer session's, which it does not end.
   */
  endSession: (options?: { whileSignedOut?: boolean }) => void;
  /** Another tab opened (true) or closed (false) the sign-in popup: the banner follows it. */
  reconnectingElsewhere: (reconnecting: boolean) => void;
  /** Stops the session for good: every held request rejects with AuthExpiredError, later calls too; every listener and timer goes. */
  stop: () => void;
  /**
   * What the session did lately (its last few hundred events, validations, popups, tab-sync notes), ready for
   * JSON.stringify: for a bug report or the dev panel. Never a token, a URL, a header value or a body.
   */
  report: () => SessionReport;
  /** Adds a line to the report (tab sync's messages and lock waits, or your own adapter's): words, never secrets. */
  note: (event: string, detail?: string) => void;
  /** The session's time, in ms: the `clock` option's when it has `now()` (a test clock), else `Date.now()`. */
  now: () => number;
}

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
  const claims = lastTokenClaims();
  /** The clock offset of the chart's step being taken: while it re-arms the timers, getSnapshot() holds the last step's. */
  let stepOffsetMs: number | null = null;
  const expiry = createExpiryAwareness({
    leadMs: options.expiryLeadMs ?? 60_000,
    // Stryker disable next-line OptionalChaining: every read while the actor is being built runs in inStep, whose stepOffsetMs comes first
    now: () => localNow() + (stepOffsetMs ?? actor?.getSnapshot().context.clockOffsetMs ?? 0),
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
  const currentToken = () => {
    try {
      return options.getToken();
    } catch {
      return null;
    }
  };
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
      if (snapshot().status !== 'active') return;
      // Before the chart re-arms its timers on the new reading: a trust measured on the old one could outlast exp.
      expiry.clockChanged(offsetMs - snapshot().context.clockOffsetMs);
      actor!.send({ type: 'clock.observed', offsetMs });
    },
  });

  // The popup's Try again comes while the chart runs, through the tell below.
  const tellChart = (event: SessionEvent) => tell(event);
  actor = createActor(
    provideChart({
      options,
      expiry,
      claims,
      inStep,
      currentToken,
      localNow,
      clockKnown: serverClock.known,
      held,
      signals,
      own,
      tell: tellChart,
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
  const isOver = () => snapshot().status !== 'active';
  /** Sends to the chart while it runs: a stopped chart hears nothing (tab sync may still speak to it). */
  const tell = (event: SessionEvent) => {
    if (!isOver()) started.send(event);
  };

  return {
    authFetch: createAuthFetchCall({ options, actor: started, held, claims, expiry, serverClock, own }),
    actor: started,
    reconnect: () => tell({ type: 'reauth.requested' }),
    dismissReminder: (forToken) => tell({ type: 'reminder.dismissed', ...(forToken && { exp: forToken.exp }) }),
    adoptToken: (token, only) => {
      const unusable = typeof token !== 'string' || !isHeaderSafe(token);
      // A wiring mistake, caught in development like the options'.
      if (DEV && unusable) throw new TypeError('adoptToken: expected a token string a header can carry (no spaces, no line breaks).');
      // Ignored in production: the held calls would meet fetch's TypeError, which quotes it.
      const current = currentToken();
      if (unusable || isOver() || (only?.whileSignedIn && current === null)) return;
      // The very token the backend refused, or is being asked about (a tab's message late or repeated): no news for held calls.
      if (own.refused.has(token) || (token === own.checking?.token && !own.checking.signal.aborted)) return;
      // A tab's message naming a token issued before the one stored is late or repeated: the calls would go with the stale one.
      if (only?.whileSignedIn && !own.refused.has(current) && issuedBefore(readTokenClaims(token), claims(current))) return;
      options.setToken(token);
      started.send({ type: 'token.adopted' });
    },
    signInFailed: (error) => tell({ type: 'reauth.failed', error }),
    endSession: (only) => {
      if (!only?.whileSignedOut || currentToken() === null) tell({ type: 'session.ended' });
    },
    reconnectingElsewhere: (reconnecting) => tell({ type: reconnecting ? 'reauth.startedElsewhere' : 'reauth.endedElsewhere' }),
    // The chart's final state: every held call is given up, its timers and the browser's listeners go with it.
    stop: () => tell({ type: 'session.stopped' }),
    now: localNow,
    report: () => report.build(snapshot(), currentToken() !== null),
    note: report.note,
  };
}
