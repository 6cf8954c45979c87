import { assertEvent, assign, fromPromise } from 'xstate';
import { longestDelayMs, sessionMachine, type SessionContext, type SessionEvent } from '../../../machines/session.machine.ts';
import type { BrowserSignals } from './browser-signals.ts';
import { signInForChart } from './chart-sign-in.ts';
import { AuthExpiredError } from './errors.ts';
import type { HoldRegistry } from './hold-registry.ts';
import type { AuthFetchOptions } from './options.ts';
import { isHeaderSafe, type OwnWork } from './own-work.ts';
import { createTokenCheck } from './token-check.ts';
import { expOf, type TokenClaims } from './token-claims.ts';
import type { ExpiryAwareness } from './token-expiry.ts';

/** A longer wait is cut at the longest setTimeout takes, and the chart looks again when it fires. */
const clampDelay = (ms: number | null) => (ms === null ? longestDelayMs : Math.min(Math.max(ms, 0), longestDelayMs));
/** "Used the page recently", for the reminder. */
const activeWithinMs = 5 * 60_000;
/** A notice up is withdrawn only if not due for longer: a reading a few seconds off, or a clock set back a little, would hide it and show it again. */
const withdrawBeyondMs = 30_000;

/** What the chart's placeholders are made of. */
export interface ChartParts {
  options: AuthFetchOptions;
  expiry: ExpiryAwareness;
  /** Where the token's claims are read (`exp`, for "Not now"). */
  claims: (token: string | null) => TokenClaims;
  /** Runs a read of `expiry` on the clock of the chart's step being taken. */
  inStep: <T>(read: () => T) => (args: { context: SessionContext }) => T;
  /** The token as the chart's timers read it: a getToken that throws counts as none. */
  currentToken: () => string | null;
  localNow: () => number;
  /** Whether the backend's clock has been read: before, a token past `exp` is so on this tab's clock only. */
  clockKnown: () => boolean;
  /** Ms until an answer on its way to read the backend's clock first is given up on; 0 when none is awaited. */
  msUntilClockRead: () => number;
  held: HoldRegistry;
  signals: BrowserSignals;
  own: OwnWork;
  /** Sends to the chart (the popup's Try again restarts its deadline). */
  tell: (event: SessionEvent) => void;
}

/**
 * The chart with its placeholders supplied: the validation and the popup, what to do with held callers, when
 * the token expires and the notice is due, the browser's signals.
 *
 * @example
 * const actor = createActor(provideChart(parts), { input: chartInput(options) }).start();
 */
export function provideChart(parts: ChartParts) {
  const { options, expiry, claims, inStep, currentToken, localNow, clockKnown, msUntilClockRead, held, signals, own, tell } = parts;
  const remindBefore = options.remindBeforeMs ?? 120_000;
  /** The current token's `exp`, what "Not now" is kept with: read now, for a token may change with no word (another tab's). */
  const currentExp = () => expOf(claims(currentToken()));
  /** Whether "Not now" was said for the current token. */
  const dismissedNow = ({ context: { reminderDismissed } }: { context: SessionContext }) =>
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: false has no exp (undefined), which currentExp() never is
    reminderDismissed !== false && reminderDismissed.exp === currentExp();
  /** Ms until the notice is due for `token`, or null for none (0: no notice, or an expiry unknown). */
  const msUntilReminder = (token: string | null) =>
    remindBefore > 0
      ? // Never in the first half of a short token's life: a token just renewed would be asked about again at once.
        expiry.msUntilBeforeExpiry(token, Math.min(remindBefore, (expiry.lifetimeMs(token) ?? Infinity) / 2))
      : null;
  /** Ms until the notice is due for `token`: not before an answer on its way reads the backend's clock, which may say an hour is left. */
  const msUntilNotice = (token: string | null) => {
    const ms = msUntilReminder(token);
    return ms === null || ms > 0 ? ms : Math.max(ms, msUntilClockRead());
  };
  /** Until the expiry timer fires: when the token starts expiring, and looked at again within lookAgainMs meanwhile. */
  const untilExpiring = (args: { context: SessionContext }) =>
    inStep(() => {
      const token = currentToken();
      const ms = clampDelay(expiry.msUntilExpiring(token));
      const expiring = expiry.isExpiring(token);
      // Calls trust a timer that fires before the token starts expiring (so later, ms > 0): none once it is, due at once
      // or put off (postponed after the backend could not say).
      own.timedToken = expiring ? undefined : token;
      // A postponed check keeps its lead window: every call is checked meanwhile, and the backend is not asked every lookAgainMs.
      return expiring ? ms : Math.min(ms, args.context.limits.lookAgainMs);
    })(args);
  const validateToken = createTokenCheck({ options, expiry, own, now: localNow });
  /** Why held calls are given up on the chart's `event`: no token stored is a sign-out whose word is still on its way. */
  const givenUpReason = (event: string) =>
    event === 'session.stopped' ? 'stopped' : event === 'session.ended' || currentToken() === null ? 'signed-out' : 'sign-in-given-up';
  /** Whether a call with `token` would wait for a validation: known to be expiring, or no token a header can carry. */
  const mustAskAbout = (token: string) => expiry.isExpiring(token) || !isHeaderSafe(token);
  return sessionMachine.provide({
    actors: {
      validateSession: fromPromise(async ({ signal }) => {
        let token = options.getToken();
        let valid = await validateToken(token, signal);
        // A token stored with no word meanwhile (another tab's): the answer was not about it, and the calls would carry it.
        // Asked about when expiring, or when the old one was refused (a good one saves the user a Reconnect).
        for (
          let now = currentToken();
          !signal.aborted && now !== token && now !== null && (!valid || mustAskAbout(now));
          now = currentToken()
        ) {
          token = now;
          valid = await validateToken(token, signal);
        }
        return valid;
      }),
      reauthenticate: fromPromise(({ signal }) => signInForChart(options, own, tell, signal)),
      browserSignals: signals.logic,
    },
    actions: {
      replayHeldRequests: () => held.releaseAll(),
      rejectHeldRequests: ({ event }) => {
        const reason = givenUpReason(event.type);
        held.rejectAll(() => new AuthExpiredError(reason));
      },
      // Asked again a lead window later, not at once: a backend that keeps erroring is not asked in a loop.
      postponeExpiryCheck: () => expiry.postpone(currentToken()),
      // The current token's: one said for another is not taken (isForCurrentToken).
      rememberDismissal: assign({ reminderDismissed: () => ({ exp: currentExp() }) }),
      // The token adopted may be the very one it was said for (another tab's message, heard again).
      forgetStaleDismissal: assign({ reminderDismissed: (args) => (dismissedNow(args) ? args.context.reminderDismissed : false) }),
      noteExpiry: assign({
        // Not from two reads of the clock: a tick between them would make the same token's notice read as another's.
        expiresAt: ({ context }) => {
          const exp = currentExp();
          return exp === null ? null : exp * 1000 - context.clockOffsetMs;
        },
      }),
    },
    guards: {
      isTokenExpiring: inStep(() => expiry.isExpiring(currentToken())),
      // Not on this tab's clock alone: an hour fast, it would take a token just issued for dead; its calls go, and a 401's Date says.
      isTokenPastExp: inStep(() => clockKnown() && (expiry.msUntilBeforeExpiry(currentToken(), 0) ?? 1) <= 0),
      isReminderDue: inStep(() => (msUntilNotice(currentToken()) ?? 1) <= 0),
      // Stryker disable next-line EqualityOperator: due exactly half a minute later, keeping the notice or not are both right
      isReminderNotDue: inStep(() => (msUntilReminder(currentToken()) ?? Infinity) > withdrawBeyondMs),
      wasDismissed: dismissedNow,
      isForCurrentToken: ({ event }) => {
        assertEvent(event, 'reminder.dismissed');
        return event.exp === undefined || event.exp === currentExp();
      },
      // Read in `dismissed` only: a token has come since with no word (this tab missed it).
      hasNewTokenSinceDismissal: (args) => !dismissedNow(args),
      isUserActive: () => signals.lastActivityAt() > 0 && localNow() - signals.lastActivityAt() < activeWithinMs,
    },
    delays: {
      untilExpiring,
      untilReminder: inStep(() => clampDelay(msUntilNotice(currentToken()))),
    },
  });
}
