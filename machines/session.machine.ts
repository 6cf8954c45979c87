import {
  and,
  assertEvent,
  assign,
  enqueueActions,
  fromCallback,
  fromPromise,
  not,
  setup,
  stateIn,
  type CallbackActorLogic,
  type EventObject,
  type PromiseActorLogic,
} from 'xstate';

/**
 * A request that authFetch is holding. The machine keeps only data a person
 * can read in the inspector: never the token, the headers or the body.
 */
export interface HeldRequest {
  /** Opaque id chosen by authFetch. */
  readonly id: string;
  readonly method: string;
  /** Origin and path only: a query string or `user:password@` may carry secrets. */
  readonly url: string;
  /**
   * `unsent`: held before its first send. `unauthorized`: sent once, answered
   * 401, and waiting for its one replay.
   */
  readonly reason: 'unsent' | 'unauthorized';
}

/** Name and message of the last failed re-authentication (what the banner says). */
export interface ReauthFailure {
  readonly name: string;
  readonly message: string;
  /** The sign-in could not reach the backend: forgotten once the backend answers again, when the words would be stale. */
  readonly unreachable?: true;
}

/** The budgets and deadlines of the chart. Data, so that the inspector and stately.json show them. */
export interface SessionLimits {
  /** Validations retried after a server error (not a network failure) before held requests are let go. */
  validationRetries: number;
  /** First wait before retrying a validation or probing the network again; doubles each time, up to a minute. */
  validationBackoffMs: number;
  /** How long one validation may take; past it the backend counts as unreachable. Doubles with each failure, up to 30 s. */
  validationTimeoutMs: number;
  /** Failed re-authentications in a row before held requests are given up and a cooldown starts. */
  reauthAttempts: number;
  /** How long Reconnect waits after those attempts, before it may open the popup again. */
  reauthCooldownMs: number;
  /** How long the sign-in popup may stay open before the attempt counts as failed. */
  reauthTimeoutMs: number;
  /** How often the token's expiry is looked at again: timers sleep with a laptop, which may wake without a sign. */
  lookAgainMs: number;
}

/**
 * The limits a session gets where `createAuthFetch`'s `limits` (or `validationTimeoutMs`) says nothing.
 *
 * @example
 * createAuthFetch({ ...options, limits: { reauthAttempts: defaultLimits.reauthAttempts + 2 } });
 */
export const defaultLimits: SessionLimits = {
  validationRetries: 2,
  validationBackoffMs: 1_000,
  validationTimeoutMs: 5_000,
  reauthAttempts: 3,
  reauthCooldownMs: 30_000,
  reauthTimeoutMs: 180_000,
  lookAgainMs: 30_000,
};

export interface SessionContext {
  /** Who is held, as the inspector shows it (authFetch's hold registry keeps the callers). */
  queue: HeldRequest[];
  /** Failed validations (or network probes) in the current spell. */
  validationFailures: number;
  /** Consecutive failed re-authentications since the last success. */
  reauthFailures: number;
  lastReauthError: ReauthFailure | null;
  /** Sign-outs so far: a call that was out across one is never sent again. */
  endedSessions: number;
  /** The backend's clock minus this tab's, from the `Date` of its answers (0 until one is seen). */
  clockOffsetMs: number;
  /** When the current token expires, on this tab's clock corrected by `clockOffsetMs`; null when it does not say. */
  expiresAt: number | null;
  /** Word came that the backend cannot be reached, and it has not answered since: no call goes out until it does. */
  unreachable: boolean;
  /**
   * "Not now", with the `exp` of the token it was said for (null: it does not say): no notice again for that token.
   * Another token with no word of it (a message this tab missed: remounted, in the back/forward cache) asks anew.
   */
  reminderDismissed: false | { exp: number | null };
  /**
   * The notice was up for the token expiring at `expiresAt`, and the session has not left it since but to check that
   * token: while it checks, the notice stays (selectReminderView reads `checking`).
   */
  reminderShown: { expiresAt: number | null } | null;
  /** The popup open is the notice's ("Stay signed in"): given up once calls wait for it, the backend is asked before the banner shows. */
  fromNotice: boolean;
  limits: SessionLimits;
}

export type SessionEvent =
  /**
   * Requests authFetch holds: the first at once (it takes the session out of `active`); those that follow
   * while the session holds, one event per timer turn, however many (a storm of 1,000 401s is a few events, not 1,000).
   */
  | { type: 'request.held'; requests: readonly HeldRequest[] }
  | { type: 'request.aborted'; id: string }
  /** The backend refused the current token, and nothing was held for it (a call that must not be replayed). */
  | { type: 'token.rejected' }
  /** The banner's Reconnect or the notice's "Stay signed in": a click, so the popup may open. */
  | { type: 'reauth.requested' }
  /** Try again opened a new popup in the same sign-in: its time starts again, the sign-in goes on. */
  | { type: 'reauth.reopened' }
  /** A sign-in the chart did not run (one resumed after a reload) failed: why, for the banner. */
  | { type: 'reauth.failed'; error: unknown }
  | { type: 'reauth.startedElsewhere' }
  | { type: 'reauth.endedElsewhere' }
  /** Another tab's check got the backend's answer (yes or no): the backend is there, whatever this tab last heard. */
  | { type: 'backend.answeredElsewhere' }
  /** "Not now", for the token with this `exp` when told (another tab's, or one said before this tab listened); else the current one. */
  | { type: 'reminder.dismissed'; exp?: number | null }
  | { type: 'token.adopted' }
  /** The browser says it is offline, or a call found the backend unreachable. */
  | { type: 'network.offline' }
  | { type: 'network.online' }
  /** The tab is shown again: timers may have slept. */
  | { type: 'tab.visible' }
  /** Input, pointer or key events: the person is using the page (sent a few times a minute at most). */
  | { type: 'user.active' }
  | { type: 'clock.observed'; offsetMs: number }
  /** The user signed out: held requests are given up, never replayed with the next user's token. */
  | { type: 'session.ended' }
  /** The client was stopped: held requests are given up, and the chart is done. */
  | { type: 'session.stopped' };

/**
 * What fetch rejects with when the network fails, in Chromium, Firefox, Safari, Node and the fetch polyfill, and what
 * reading its body does when the connection is cut there (Chromium's `network error`, Node's `terminated`).
 *
 * @example
 * networkFailure.test(new TypeError('Failed to fetch').message); // true
 */
// Stryker disable next-line Regex: anchored or not, no engine's own TypeError (a bug's) carries these words
export const networkFailure = /^(Failed to fetch|fetch failed|Load failed|terminated$|network error|Network|The network|The Internet)/;

/**
 * Whether a failed sign-in could not reach the backend: fetch's TypeError, or an error caused by a TypeError (the
 * popup's check, the callback page's `server_unreachable`). A TypeError in other words (`x is not a function`) is the
 * sign-in's own bug: a failed sign-in, not a wait for the backend after every Reconnect.
 *
 * @example
 * isUnreachableFailure(new ReauthError('…', { cause: new TypeError('Failed to fetch') })); // true
 */
export function isUnreachableFailure(error: unknown): boolean {
  if (error instanceof TypeError) return networkFailure.test(error.message);
  return (error as { cause?: unknown } | null | undefined)?.cause instanceof TypeError;
}

/** The callback page's codes for a sign-in that failed on Google's side or the studio's server's: nothing the user did, and it may work soon. */
const tryLaterCodes = new Set<unknown>([
  'provider_busy',
  'temporarily_unavailable',
  'server_error',
  'provider_unreachable',
  'server_timeout',
]);

/**
 * Whether a failed sign-in says to try later (Google busy or out of reach, the studio's server slow): its error's
 * `code` says so. Pressing Reconnect again is what the banner asks then, so it spends none of `reauthAttempts`.
 *
 * @example
 * isTryLaterFailure(new ReauthError('…', { code: 'provider_busy' })); // true
 */
export function isTryLaterFailure(error: unknown): boolean {
  return tryLaterCodes.has((error as { code?: unknown } | null | undefined)?.code);
}

function describeError(error: unknown): ReauthFailure {
  if (error instanceof Error)
    return isUnreachableFailure(error)
      ? { name: error.name, message: error.message, unreachable: true }
      : { name: error.name, message: error.message };
  try {
    return { name: 'Error', message: String(error) };
  } catch {
    // A value String() cannot convert (an object without a prototype): a throw here would stop the chart.
    // Stryker disable next-line StringLiteral: a non-Error's message is shown nowhere (the banner's generic sentence)
    return { name: 'Error', message: typeof error };
  }
}

/**
 * setTimeout fires at once past 2^31-1 ms: longer waits are cut there (and checked again when they fire).
 *
 * @example
 * setTimeout(lookAgain, Math.min(msUntilExpiring, longestDelayMs));
 */
export const longestDelayMs = 2 ** 31 - 1;
const never = () => longestDelayMs;

const releaseQueue = ['replayHeldRequests', 'clearQueue'] as const;
/**
 * Signed in here (the sign-in reached the backend): held requests wait for the backend to take the new token. Renewed
 * from the notice, nothing waits: calls go on, and a token refused meets a 401 and its one check like any other.
 */
const signedIn = [
  {
    guard: 'isRenewing',
    target: '#session.active',
    reenter: true,
    actions: ['markReachable', 'forgetReauthFailures', 'forgetDismissal', ...releaseQueue],
  },
  { target: '#session.validating.confirming', actions: ['markReachable', 'forgetDismissal'] },
] as const;
/** A sign-in that failed, counted against reauthAttempts: the banner again, or after the last the held requests given up. */
const countedSignInFailure = (remember: 'rememberReauthFailure' | 'rememberReauthTimeout' | 'rememberSignInRefused') =>
  [
    { guard: 'hasReauthAttemptsLeft', target: '#session.needsReauth', actions: [remember, 'countReauthFailure'] },
    { target: '#session.needsReauth.coolingDown', actions: [remember, 'countReauthFailure', 'rejectHeldRequests', 'clearQueue'] },
  ] as const;
/** The backend's word on the token a sign-in just stored: a yes lets held requests go; a no is a failed sign-in, counted. */
const confirmed = [
  { guard: 'isSessionValid', target: '#session.active', actions: ['forgetReauthFailures', ...releaseQueue] },
  ...countedSignInFailure('rememberSignInRefused'),
] as const;
/** Another tab's token while offline: it is probed at once, and only the backend's answer ends offline. */
const adoptedOffline = ['forgetReauthFailures', 'forgetStaleDismissal', 'noteExpiry'] as const;
/**
 * A sign-in's token from another tab (or one resumed here), while calls are held: asked about before they go, as after
 * this tab's own sign-in; it came before the backend's word on it, and a no is that sign-in's failure here too.
 */
const adopt = [
  {
    guard: 'isUnreachable',
    target: '#session.offline.confirming',
    reenter: true,
    // Counted as the word that took it there: its probe is given the longer limit, as after a check past its first.
    actions: [...adoptedOffline, 'countValidationFailure'],
  },
  { guard: 'isTokenExpiring', target: '#session.validating', reenter: true, actions: ['forgetReauthFailures', 'forgetStaleDismissal'] },
  { target: '#session.validating.confirming', reenter: true, actions: 'forgetStaleDismissal' },
] as const;
/** Renewing from the notice, nothing is held: calls go on with another tab's token, as with the popup's own (decision 0024). */
const adoptWhileOpen = [
  ...adopt.slice(0, 2),
  { guard: 'isRenewing', target: '#session.active', reenter: true, actions: ['forgetReauthFailures', 'forgetStaleDismissal'] },
  adopt[2],
] as const;
/** Signed out while the backend was said unreachable: what was held is given up, and a spell starts with that word. */
const signedOutOffline = [
  'rejectHeldRequests',
  'clearQueue',
  'forgetReauthFailures',
  'forgetDismissal',
  'countEndedSession',
  'countValidationFailure',
  'noteExpiry',
] as const;
/** The network back, or another tab's token, while offline is not confirmed: asked at once, with a probe of its own. */
const confirmAnew = {
  'network.online': { target: 'confirming', reenter: true },
  'token.adopted': { target: 'confirming', reenter: true, actions: adoptedOffline },
} as const;
/** Signed out once offline was said: the sign-in page says it too. */
const signedOutSaid = { 'session.ended': { target: '#session.offline', reenter: true, actions: signedOutOffline } } as const;
/** Word that the backend cannot be reached, in a state that holds anyway: it is remembered. */
const unreachable = { actions: 'markUnreachable' } as const;
/** Google busy, the server slow (an error's word; a deadline says none): the banner asks to try later, and held calls wait. */
const triedTooSoon = { guard: 'isTryLaterSignIn', target: '#session.needsReauth', actions: 'rememberReauthFailure' } as const;
/** A sign-in that did not finish: asked before expiry, nothing is held and the notice stays; otherwise the budget decides. */
const reauthFailed = (remember: 'rememberReauthFailure' | 'rememberReauthTimeout', ...uncounted: (typeof triedTooSoon)[]) =>
  [
    // The backend was said to be gone: offline, not a failed sign-in. Asked at once, for the word may be old (a blip the banner sat through).
    {
      guard: 'isUnreachable',
      target: '#session.offline.confirming',
      // Counted, as the word that took it there: its probe is given the longer limit, and a slow backend is not called gone.
      actions: [remember, 'countValidationFailure'],
    },
    // Not counted against reauthAttempts: closing the notice's popup must not use up the banner's budget.
    { guard: 'isRenewing', target: '#session.active.reminding', actions: remember },
    // The notice's popup, given up once calls wait for it: only the backend's no shows the banner (not counted either).
    { guard: 'isFromNotice', target: '#session.validating', actions: remember },
    ...uncounted,
    ...countedSignInFailure(remember),
  ] as const;
/**
 * The id xstate gives the timer of `reauthenticating`'s `after: { reauthTimeout }` (its event's type): cancelled
 * and raised again with it, that very timer starts again, and the popup invoked by the state stays open.
 */
const reauthDeadline = 'xstate.after.reauthTimeout.session.reauthenticating';
const notProvided = fromPromise<never>(() =>
  Promise.reject(new Error('createAuthFetch provides this actor; supply it with .provide() to run the machine alone')),
);
/**
 * Another tab's "Not now" while this tab checks its token or waits for the network: kept for when it is back in
 * active. (Its popup opening is told again there while it is open: closed meanwhile, the notice may come back.)
 */
const dismissedElsewhere = {
  'reminder.dismissed': { guard: 'isForCurrentToken', actions: 'rememberDismissal' },
} as const;
/**
 * A sign-in the chart did not run (one resumed after a reload) failed: why, for the banner. Heard on the way to it
 * too: after a reload the callback page's answer often comes while the token is still being checked.
 */
const resumedSignInFailed = {
  // Said as after this chart's own popup, not counted: this page never pressed Reconnect for it.
  'reauth.failed': { actions: 'rememberReauthFailure' },
} as const;
/** What every state that holds requests answers: more held, one aborted, word that the backend is gone. */
const whileHolding = {
  'request.held': { actions: 'holdRequest' },
  'request.aborted': { actions: 'dropRequest' },
  'network.offline': unreachable,
} as const;
/**
 * The backend answers the validation but cannot say (errors, retries used up). A token past its `exp` is dead
 * all the same: the user is asked. Otherwise the requests go and settle with their own answers, and the
 * expiry is not asked about again for a while (no loop of validations).
 */
const cannotSay = [
  { guard: 'isTokenPastExp', target: '#session.needsReauth', actions: 'markReachable' },
  { target: '#session.active', actions: ['markReachable', 'postponeExpiryCheck', ...releaseQueue] },
] as const;
/** A validation's answer, from the 401 path or a network probe alike. */
const validated = [
  // The token proved good: a sign-in that failed meanwhile is no reason for a later expiry.
  { guard: 'isSessionValid', target: '#session.active', actions: ['markReachable', 'forgetReauthError', ...releaseQueue] },
  { target: '#session.needsReauth', actions: 'markReachable' },
] as const;
/** Word that the backend cannot be reached (a call cut off, the browser offline, a check's TypeError): a failure of the spell. */
const goOffline = { target: '#session.offline', actions: ['markUnreachable', 'countValidationFailure'] } as const;
/** Slow or gone, none can tell yet: offline, not said so until a check given longer goes unanswered too. */
const checkTimedOut = {
  validationTimeout: { target: '#session.offline.unconfirmed', actions: ['markUnreachable', 'countValidationFailure'] },
} as const;
/** A probe offline that failed, or was given up: a failure of the spell, and a backoff before the next. */
const probeFailed = { target: 'waiting', actions: 'countValidationFailure' } as const;
/** One validation offline, asking whether the backend is there (and still takes the token). */
const probe = {
  id: 'probeSession',
  src: 'validateSession',
  onDone: validated,
  onError: [{ guard: 'isNetworkFailure', ...probeFailed }, ...cannotSay],
} as const;

/**
 * The session statechart. Pure: validation, re-authentication, the browser's
 * signals, what to do with held callers and when the token expires are
 * placeholders here, supplied with `.provide()` by `createAuthFetch`, so the
 * chart runs the same in tests, the inspector and Stately's editor.
 * Top-level states: `active`, `validating`, `offline`, `needsReauth`,
 * `reauthenticating`, `stopped`.
 *
 * @example
 * const actor = createActor(sessionMachine.provide({
 *   actors: { validateSession: fromPromise(async () => false), reauthenticate: fromPromise(async () => {}) },
 *   actions: { replayHeldRequests: () => console.log('let them go') },
 * }), { input: { limits: { reauthAttempts: 5 } } }).start();
 */
export const sessionMachine = setup({
  // Types only: one empty object at run time.
  types: {} as {
    context: SessionContext;
    events: SessionEvent;
    input: { limits?: Partial<SessionLimits> } | undefined;
  },
  actors: {
    /** Asks the backend whether the current token is still accepted (true/false); rejects when it cannot tell. */
    validateSession: notProvided as PromiseActorLogic<boolean>,
    /** Interactive re-auth; stores the new token itself so it never enters the machine. */
    reauthenticate: notProvided as PromiseActorLogic<void>,
    /** The browser's online, offline, visibility and input events, as chart events. */
    browserSignals: fromCallback<EventObject>(() => {}) as CallbackActorLogic<EventObject>,
  },
  actions: {
    /** Lets every held request go: each is sent with the current token. */
    replayHeldRequests: () => {},
    /** Gives up every held request: its caller gets an AuthExpiredError. */
    rejectHeldRequests: () => {},
    /** The token could not be checked: its expiry is not checked again for a while (no loop of validations). */
    postponeExpiryCheck: () => {},
    /** Reads when the current token expires (the token itself never enters the machine). */
    // Stryker disable next-line ObjectLiteral: expiresAt starts null and only noteExpiry writes it, so assigning nothing leaves it null
    noteExpiry: assign({ expiresAt: null }),
    holdRequest: assign({
      queue: ({ context, event }) => {
        assertEvent(event, 'request.held');
        return [...context.queue, ...event.requests];
      },
    }),
    dropRequest: assign({
      queue: ({ context, event }) => {
        assertEvent(event, 'request.aborted');
        return context.queue.filter((r) => r.id !== event.id);
      },
    }),
    clearQueue: assign({ queue: [] }),
    countValidationFailure: assign({ validationFailures: ({ context }) => context.validationFailures + 1 }),
    resetValidationFailures: assign({ validationFailures: 0 }),
    forgetReauthFailures: assign({ reauthFailures: 0, lastReauthError: null }),
    countReauthFailure: assign({ reauthFailures: ({ context }) => context.reauthFailures + 1 }),
    rememberReauthFailure: assign({ lastReauthError: ({ event }) => describeError((event as { error?: unknown }).error) }),
    rememberReauthTimeout: assign({ lastReauthError: ({ context }) => reauthTimedOut(context.limits.reauthTimeoutMs) }),
    rememberSignInRefused: assign({
      lastReauthError: { name: 'ReauthError', message: 'Signed in, but the server refused the new sign-in. Press Reconnect to try again.' },
    }),
    resetReauthFailures: assign({ reauthFailures: 0 }),
    forgetReauthError: assign({ lastReauthError: null }),
    countEndedSession: assign({ endedSessions: ({ context }) => context.endedSessions + 1 }),
    markUnreachable: assign({ unreachable: true }),
    /** Keeps "Not now" with the current token's `exp` (provided: the chart never sees the token). */
    // Stryker disable next-line ObjectLiteral: the provided action replaces it; the chart's guards read only whether it is false
    rememberDismissal: assign({ reminderDismissed: { exp: null } }),
    forgetDismissal: assign({ reminderDismissed: false }),
    /** Forgets "Not now" unless said for the current token (provided: the chart never sees the token, and takes it for new). */
    forgetStaleDismissal: assign({ reminderDismissed: false }),
    rememberReminderShown: assign({ reminderShown: ({ context }) => ({ expiresAt: context.expiresAt }) }),
    forgetReminderShown: assign({ reminderShown: null }),
    markFromNotice: assign({ fromNotice: true }),
    forgetFromNotice: assign({ fromNotice: false }),
    /** The backend answered: a sign-in's word that it could not be reached is stale, and the banner no longer says it. */
    markReachable: assign({
      unreachable: false,
      lastReauthError: ({ context }) => (context.lastReauthError?.unreachable ? null : context.lastReauthError),
    }),
    /** Try again opened a new popup: the sign-in's deadline starts again (the popup is not invoked again). */
    restartReauthDeadline: enqueueActions(({ enqueue }) => {
      enqueue.cancel(reauthDeadline);
      enqueue.raise({ type: reauthDeadline } as never, { id: reauthDeadline, delay: 'reauthTimeout' });
    }),
    /** The backend's clock read anew: the expiry, on this tab's clock, moves by as much, and the notice's with it. */
    recordClockOffset: assign(({ context, event }) => {
      assertEvent(event, 'clock.observed');
      const shift = (at: number | null) => (at === null ? null : at + context.clockOffsetMs - event.offsetMs);
      // Checking under the notice, it is still the same token's: left as it was, it would read hidden once back in active.
      const reminderShown = context.reminderShown && { expiresAt: shift(context.reminderShown.expiresAt) };
      return { clockOffsetMs: event.offsetMs, expiresAt: shift(context.expiresAt), reminderShown };
    }),
  },
  guards: {
    isSessionValid: ({ event }) => (event as { output?: unknown }).output === true,
    /** fetch rejects with a TypeError when the network fails: offline, not a verdict on the token. */
    isNetworkFailure: ({ event }) => {
      const { error } = event as { error?: unknown };
      // A timeout of validate's own (AbortSignal.timeout) is the network's too.
      return error instanceof TypeError || (error as { name?: unknown } | undefined)?.name === 'TimeoutError';
    },
    hasValidationRetriesLeft: ({ context }) => context.validationFailures < context.limits.validationRetries,
    hasReauthAttemptsLeft: ({ context }) => context.reauthFailures + 1 < context.limits.reauthAttempts,
    isRenewing: stateIn('#session.reauthenticating.renewing'),
    isFromNotice: ({ context }) => context.fromNotice,
    isUnreachable: ({ context }) => context.unreachable,
    /** A sign-in failed because it could not reach the backend. */
    isUnreachableSignIn: ({ event }) => isUnreachableFailure((event as { error?: unknown }).error),
    /** A sign-in failed on Google's side or the server's, and may work soon. */
    isTryLaterSignIn: ({ event }) => isTryLaterFailure((event as { error?: unknown }).error),
    /** The notice was up for the current token, and is kept up while it is checked. */
    wasReminderShown: ({ context }) => context.reminderShown !== null,
    /** "Not now" was said for the current token (provided, to compare tokens). */
    wasDismissed: ({ context }) => context.reminderDismissed !== false,
    /** "Not now" was said for another token than the current one (provided). */
    // Stryker disable next-line ArrowFunction: xstate takes a guarded transition only on a truthy answer, so undefined acts as false
    hasNewTokenSinceDismissal: () => false,
    /** A "Not now" said for the current token, or for none in particular (provided: another tab's names its token's exp). */
    isForCurrentToken: () => true,
    /** The token is within its expiry lead (provided: the chart never sees the token). */
    // Stryker disable next-line ArrowFunction: xstate takes a guarded transition only on a truthy answer, so undefined acts as false
    isTokenExpiring: () => false,
    /** The token is past its `exp` on the backend's clock (provided). */
    // Stryker disable next-line ArrowFunction: xstate takes a guarded transition only on a truthy answer, so undefined acts as false
    isTokenPastExp: () => false,
    /** The reminder's time has come (provided). */
    // Stryker disable next-line ArrowFunction: xstate takes a guarded transition only on a truthy answer, so undefined acts as false
    isReminderDue: () => false,
    /** A notice up or due on a clock since found wrong: the backend's says it is not due yet (provided: not within half a minute). */
    isReminderNotDue: not('isReminderDue'),
    /** The person used the page in the last few minutes (provided). */
    // Stryker disable next-line ArrowFunction: xstate takes a guarded transition only on a truthy answer, so undefined acts as false
    isUserActive: () => false,
  },
  delays: {
    // `offline` and `retrying` are entered with their failure counted (1, 2, …): the first wait is validationBackoffMs.
    validationBackoff: ({ context }) =>
      Math.min(
        context.limits.validationBackoffMs * 2 ** (context.validationFailures - 1),
        Math.max(context.limits.validationBackoffMs, 60_000),
        longestDelayMs,
      ),
    // Twice as long after each failure, to 30 s: a network slower than the limit (a slow 3G) is not offline for good.
    validationTimeout: ({ context }) =>
      Math.min(context.limits.validationTimeoutMs * 2 ** context.validationFailures, Math.max(context.limits.validationTimeoutMs, 30_000)),
    reauthCooldown: ({ context }) => context.limits.reauthCooldownMs,
    reauthTimeout: ({ context }) => context.limits.reauthTimeoutMs,
    /** Until the token starts expiring (provided; at most `lookAgainMs`, then checked again). */
    untilExpiring: never,
    /** Until the reminder is due (provided, likewise). */
    untilReminder: never,
  },
}).createMachine({
  id: 'session',
  description:
    'One session for every request of the app: a 401 is validated once, held requests wait for the user to reconnect, then replay.',
  context: ({ input }) => ({
    queue: [],
    validationFailures: 0,
    reauthFailures: 0,
    lastReauthError: null,
    endedSessions: 0,
    clockOffsetMs: 0,
    expiresAt: null,
    unreachable: false,
    reminderDismissed: false,
    reminderShown: null,
    fromNotice: false,
    limits: { ...defaultLimits, ...input?.limits },
  }),
  invoke: { id: 'browserSignals', src: 'browserSignals' },
  initial: 'active',
  on: {
    // Signed out: what was held is given up; calls made after it wait for the backend if it is unreachable.
    'session.ended': [
      // A word not confirmed (a slow check, or one from before): the sign-in page is not told it is offline until a probe says so.
      // Asked after a backoff, not at once: the app clears the token after this event, and a probe now would ask about the old one.
      { guard: 'isUnreachable', target: '.offline.unconfirmed', reenter: true, actions: signedOutOffline },
      {
        target: '.active',
        reenter: true,
        // The notice was the signed-out user's: not kept up as checking while the app clears the token.
        actions: [
          'rejectHeldRequests',
          'clearQueue',
          'forgetReauthFailures',
          'forgetDismissal',
          'forgetReminderShown',
          'countEndedSession',
        ],
      },
    ],
    'session.stopped': { target: '.stopped', actions: ['rejectHeldRequests', 'clearQueue'] },
    'clock.observed': { actions: 'recordClockOffset' },
  },
  states: {
    active: {
      description: 'The token is believed good: requests go out with it. Nothing is held here.',
      tags: ['sending'],
      entry: 'noteExpiry',
      initial: 'quiet',
      after: {
        untilExpiring: [
          { guard: 'isTokenExpiring', target: 'validating' },
          // Not yet: armed afresh, the notice's state as it was.
          { target: '.previous', reenter: true },
        ],
      },
      on: {
        // A 401, or a request whose token is known to be expiring.
        'request.held': { target: 'validating', actions: 'holdRequest' },
        'token.rejected': 'validating',
        // Timers sleep in background tabs, and with a laptop's lid: look again when the tab is back, and arm them afresh.
        'tab.visible': [
          { guard: 'isTokenExpiring', target: 'validating' },
          { target: '.previous', reenter: true },
        ],
        // A new token: the expiry and reminder timers are armed afresh. The same one again (a tab's message repeated): "Not now" holds.
        // A sign-in that failed before it is no word on this token: its error would show under the banner of its end.
        'token.adopted': { target: 'active', reenter: true, actions: ['forgetReauthFailures', 'forgetStaleDismissal'] },
        // Back to the notice's state as it was: a notice still due stays up (hidden for a moment, it would lose the focus).
        // The end it shows is read again: on the clock before, it may have been an hour off.
        'clock.observed': { target: '.previous', reenter: true, actions: ['recordClockOffset', 'noteExpiry'] },
        'network.offline': goOffline,
        // "Not now", here or from another tab: in a background tab the notice may not have shown yet.
        // Not when said for another token (this tab missed a message): that "Not now" is not about this one.
        'reminder.dismissed': { guard: 'isForCurrentToken', target: '.dismissed', actions: 'rememberDismissal' },
        // Another tab's popup is open: no notice here (its button would open a second popup); tab sync tells it
        // again should a validation bring the session back to active meanwhile. "Not now" stays said.
        'reauth.startedElsewhere': [{ guard: 'wasDismissed', target: '.dismissed' }, { target: '.elsewhere' }],
      },
      states: {
        quiet: {
          description: 'Nothing to say.',
          always: [
            // Dismissed for this very token, in this tab or another: it stays so, whatever brought the session back here.
            { guard: 'wasDismissed', target: 'dismissed' },
            // Kept up while its token was checked, and not due on the backend's clock read meanwhile: withdrawn, as in reminding.
            { guard: and(['wasReminderShown', 'isReminderNotDue']), actions: 'forgetReminderShown' },
          ],
          after: {
            untilReminder: [
              { guard: 'isReminderDue', target: 'due' },
              { target: 'quiet', reenter: true },
            ],
          },
        },
        due: {
          description: 'The token ends soon. The notice waits for a sign that someone is using the page.',
          entry: 'forgetReminderShown',
          always: [
            // Due only on a clock since found wrong (the backend's first Date, a clock set right): not yet.
            { guard: 'isReminderNotDue', target: 'quiet' },
            { guard: 'isUserActive', target: 'reminding' },
          ],
          on: { 'user.active': 'reminding' },
        },
        reminding: {
          description: 'The notice asks whether to stay signed in; its button opens the sign-in popup before anything is held.',
          entry: 'rememberReminderShown',
          // Shown on a clock since found wrong: withdrawn until it is due on the backend's.
          always: { guard: 'isReminderNotDue', target: 'quiet', actions: 'forgetReminderShown' },
          on: {
            'reauth.requested': '#session.reauthenticating.renewing',
          },
        },
        dismissed: {
          description: '"Not now", here or in another tab: no notice until the next token.',
          entry: 'forgetReminderShown',
          // A token that came without a word (this tab missed it) is a new question: its notice may come.
          always: { guard: 'hasNewTokenSinceDismissal', target: 'quiet', actions: 'forgetDismissal' },
        },
        elsewhere: {
          description: 'Another tab has the sign-in popup open: no notice here until it closes, as there, without a token.',
          entry: 'forgetReminderShown',
          on: {
            'reauth.startedElsewhere': 'elsewhere',
            'reauth.endedElsewhere': 'quiet',
          },
        },
        previous: { type: 'history' },
      },
    },
    validating: {
      description: 'A 401, or a token about to expire: ask the backend once whether the token still works; new requests wait.',
      initial: 'checking',
      exit: 'resetValidationFailures',
      on: {
        ...whileHolding,
        ...dismissedElsewhere,
        ...resumedSignInFailed,
        // Another tab's popup: the notice kept up while checking goes (its button would offer a second popup).
        'reauth.startedElsewhere': { actions: 'forgetReminderShown' },
        // Another tab's token is asked about in turn (the backend's word on the old one says nothing of it); never offline here.
        'token.adopted': adopt.slice(1),
        'network.offline': goOffline,
      },
      states: {
        checking: {
          description: 'One validation request is out.',
          invoke: {
            id: 'validateSession',
            src: 'validateSession',
            onDone: validated,
            onError: [
              { guard: 'isNetworkFailure', ...goOffline },
              { guard: 'hasValidationRetriesLeft', target: 'retrying', actions: ['markReachable', 'countValidationFailure'] },
              ...cannotSay,
            ],
          },
          after: checkTimedOut,
        },
        confirming: {
          description: 'Signed in: one validation asks whether the backend takes the new token before held requests go with it.',
          // A token refused as soon as issued (a key that differs between backends, a user disabled) is no way back.
          // The backend's error is no word on it: the calls go and settle with their own answers, as before this check.
          invoke: {
            id: 'validateSession',
            src: 'validateSession',
            onDone: confirmed,
            onError: [{ guard: 'isNetworkFailure', ...goOffline }, ...cannotSay],
          },
          after: checkTimedOut,
        },
        retrying: {
          description: 'The backend answered the validation with an error. Ask again after a backoff.',
          after: { validationBackoff: 'checking' },
        },
      },
    },
    offline: {
      description: 'The backend cannot be reached. Requests wait, never sent, until the network is back; offline is not expired.',
      initial: 'waiting',
      entry: 'forgetReminderShown',
      exit: 'resetValidationFailures',
      // Another tab's token is probed at once: only the backend's answer ends offline.
      on: {
        ...whileHolding,
        ...dismissedElsewhere,
        ...resumedSignInFailed,
        // Its end read now: offline shows no notice, but the report and selectExpiresAt would give the old token's.
        'token.adopted': { target: '.probing', reenter: true, actions: adoptedOffline },
      },
      states: {
        waiting: {
          description:
            'Probe again when the browser is back online, the tab is shown, someone uses the page, another tab hears the backend, or after a backoff.',
          after: { validationBackoff: 'probing' },
          on: {
            ...signedOutSaid,
            // The tab shown again may have slept through the backoff: ask at once.
            'network.online': 'probing',
            'tab.visible': 'probing',
            // A backend back up gives the browser no sign: someone using the page is not left waiting out a minute's backoff.
            'user.active': 'probing',
            // Nor is another tab's word that it heard the backend: one probe here, its answer this tab's own (a 401: the banner).
            'backend.answeredElsewhere': 'probing',
          },
        },
        probing: {
          description: 'One validation asks whether the backend is back, and whether it still accepts the token.',
          invoke: probe,
          after: { validationTimeout: probeFailed },
          // The network is back while this probe is out on the one that was gone (hung, or a Wi-Fi switched): ask anew.
          on: { ...signedOutSaid, 'network.online': { target: 'probing', reenter: true } },
        },
        unconfirmed: {
          description:
            'A check outlived its first time limit: the backend may be slow, not gone. Ask again after a backoff, given longer; at once when the network is back, a token comes from another tab or another tab hears the backend.',
          // The first backoff of a spell, a second or so: only the network's coming back, a token or another tab's answer cut it short.
          after: { validationBackoff: 'confirming' },
          on: {
            ...confirmAnew,
            // Word now (the browser's offline, a call's TypeError), not a slow check: nothing left to ask.
            'network.offline': 'waiting',
            // Another tab heard the backend: asked now, as when the network is back.
            'backend.answeredElsewhere': 'confirming',
          },
        },
        confirming: {
          description:
            'One validation asks whether the backend is there, the word that it is gone not confirmed (a check past its first limit, or a word from before a sign-in): only its failure confirms it.',
          invoke: probe,
          after: { validationTimeout: probeFailed },
          on: {
            ...confirmAnew,
            // Word now that the network failed: the probe's answer is not waited for (a hung one takes its whole limit).
            'network.offline': probeFailed,
          },
        },
      },
    },
    needsReauth: {
      description: 'The token has expired. Requests are held, nothing is cleared; the user is asked to reconnect.',
      entry: 'forgetReminderShown',
      initial: 'waiting',
      on: {
        ...whileHolding,
        'token.adopted': adopt,
        ...resumedSignInFailed,
      },
      states: {
        waiting: {
          description: 'The banner offers Reconnect.',
          on: {
            'reauth.requested': '#session.reauthenticating.holding',
            // A resumed sign-in that could not reach the backend (maybe before the reload): ask it now; its answer clears the banner's word.
            'reauth.failed': {
              guard: 'isUnreachableSignIn',
              target: '#session.offline.confirming',
              actions: ['rememberReauthFailure', 'markUnreachable', 'countValidationFailure'],
            },
            'reauth.startedElsewhere': 'elsewhere',
          },
        },
        elsewhere: {
          description: 'Another tab has the sign-in popup open; its token will be adopted here.',
          on: { 'reauth.endedElsewhere': 'waiting' },
        },
        coolingDown: {
          description: 'Sign-in failed too often in a row: held requests were given up; Reconnect waits a moment.',
          after: { reauthCooldown: { target: 'waiting', actions: 'resetReauthFailures' } },
        },
      },
    },
    reauthenticating: {
      description: 'The sign-in popup is open. On success the new token is stored, and checked before held requests replay.',
      entry: 'forgetReminderShown',
      exit: 'forgetFromNotice',
      initial: 'holding',
      invoke: {
        id: 'reauthenticate',
        src: 'reauthenticate',
        onDone: signedIn,
        onError: reauthFailed('rememberReauthFailure', triedTooSoon),
      },
      after: { reauthTimeout: reauthFailed('rememberReauthTimeout') },
      on: {
        ...whileHolding,
        'token.adopted': adoptWhileOpen,
        // The popup's own Try again: the same sign-in in a new window, which gets the whole reauthTimeout.
        'reauth.reopened': { actions: 'restartReauthDeadline' },
        // Try again: the open popup is closed and a new one opens, within this click.
        'reauth.requested': [
          { guard: 'isRenewing', target: '.renewing', reenter: true },
          { target: '.holding', reenter: true },
        ],
      },
      states: {
        renewing: {
          description: 'Asked before expiry: requests still go out with the current token while the popup is open.',
          tags: ['sending'],
          entry: 'markFromNotice',
          after: {
            untilExpiring: [
              { guard: 'isTokenExpiring', target: 'holding' },
              { target: 'renewing', reenter: true },
            ],
          },
          on: {
            'request.held': { target: 'holding', actions: 'holdRequest' },
            'token.rejected': 'holding',
            // Calls wait while the backend cannot be reached; the popup stays open.
            'network.offline': { target: 'holding', actions: 'markUnreachable' },
            'tab.visible': [
              { guard: 'isTokenExpiring', target: 'holding' },
              { target: 'renewing', reenter: true },
            ],
            // Re-entering this state, not its parent: the popup stays open, its expiry timer is armed afresh.
            'clock.observed': { target: 'renewing', reenter: true, actions: 'recordClockOffset' },
          },
        },
        holding: {
          description: 'Requests wait for the new token.',
        },
      },
    },
    stopped: {
      description: 'The client was stopped: every held request was given up; nothing is sent any more.',
      type: 'final',
    },
  },
});

/** What the banner says when the popup outlived the chart's deadline. */
function reauthTimedOut(ms: number): ReauthFailure {
  return { name: 'ReauthTimeoutError', message: `Signing in took longer than ${Math.round(ms / 1000)} s. Press Reconnect to try again.` };
}
