import { assign, fromPromise, setup, type PromiseActorLogic } from 'xstate';

/**
 * A request that authFetch is holding. The machine keeps only data a person
 * can read in the inspector: never the token, the headers or the body.
 */
export interface HeldRequest {
  /** Opaque id chosen by authFetch. */
  readonly id: string;
  readonly method: string;
  /** Origin and path only: a query string may carry secrets. */
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
}

/** The retry budgets. Data, so that the inspector and stately.json show them. */
export interface SessionLimits {
  /** Validations retried after a network failure before held requests are let go. */
  validationRetries: number;
  /** First wait before retrying a validation; doubles each time. */
  validationBackoffMs: number;
  /** Failed re-authentications in a row before held requests are given up and a cooldown starts. */
  reauthAttempts: number;
  reauthCooldownMs: number;
}

export const defaultLimits: SessionLimits = {
  validationRetries: 2,
  validationBackoffMs: 1_000,
  reauthAttempts: 3,
  reauthCooldownMs: 30_000,
};

export interface SessionContext {
  queue: HeldRequest[];
  /** Network failures of the current validation. */
  validationFailures: number;
  /** Consecutive failed re-authentications since the last success. */
  reauthFailures: number;
  lastReauthError: ReauthFailure | null;
  limits: SessionLimits;
}

export type SessionEvent =
  /**
   * Requests authFetch holds: the first at once (it takes the session out of `active`); those that follow
   * while the session holds, one event per timer turn, however many (a storm of 1,000 401s is a few events, not 1,000).
   */
  | { type: 'request.held'; requests: readonly HeldRequest[] }
  | { type: 'request.aborted'; id: string }
  | { type: 'reauth.requested' }
  | { type: 'reauth.startedElsewhere' }
  | { type: 'reauth.endedElsewhere' }
  | { type: 'token.adopted' }
  | { type: 'token.expiring' }
  | { type: 'network.online' }
  /** The user signed out (or the client was stopped): held requests are given up, never replayed with the next user's token. */
  | { type: 'session.ended' };

function describeError(error: unknown): ReauthFailure {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

const releaseQueue = ['replayHeldRequests', 'clearQueue'] as const;
/** Back with a good token (signed in again here, or adopted from another tab): held requests go. */
const resume = { target: 'active', actions: ['forgetReauthFailures', ...releaseQueue] } as const;
const notProvided = fromPromise<never>(() => Promise.reject(new Error('createAuthFetch provides this actor; supply it with .provide() to run the machine alone')));
/** What every state that holds requests answers: more held, one aborted, a good token back. */
const holding = {
  'request.held': { actions: 'holdRequest' },
  'request.aborted': { actions: 'dropRequest' },
  'token.adopted': resume,
} as const;

/**
 * The session statechart. Pure: validation, re-authentication and what to do
 * with held callers are placeholders here, supplied with `.provide()` by
 * `createAuthFetch`, so the chart runs the same in tests, the inspector and
 * Stately's editor. Top-level states: `active`, `validating`, `needsReauth`,
 * `reauthenticating`.
 *
 * @example
 * const actor = createActor(sessionMachine.provide({
 *   actors: { validateSession: fromPromise(async () => false), reauthenticate: fromPromise(async () => {}) },
 *   actions: { replayHeldRequests: ({ context }) => console.log(context.queue) },
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
    /** Asks the backend whether the current token is still accepted (true/false); rejects on a network failure. */
    validateSession: notProvided as PromiseActorLogic<boolean>,
    /** Interactive re-auth; stores the new token itself so it never enters the machine. */
    reauthenticate: notProvided as PromiseActorLogic<void>,
  },
  actions: {
    /** Lets every request in `context.queue` go: each is sent with the current token. */
    replayHeldRequests: (_args: { context: SessionContext }) => {},
    /** Gives up every request in `context.queue`: its caller gets an AuthExpiredError. */
    rejectHeldRequests: (_args: { context: SessionContext }) => {},
    // Wired to request.held only (the casts say so to TypeScript).
    holdRequest: assign({ queue: ({ context, event }) => [...context.queue, ...(event as { requests: readonly HeldRequest[] }).requests] }),
    // Wired to request.aborted only.
    dropRequest: assign({ queue: ({ context, event }) => context.queue.filter((r) => r.id !== (event as { id: string }).id) }),
    clearQueue: assign({ queue: [] }),
    countValidationFailure: assign({ validationFailures: ({ context }) => context.validationFailures + 1 }),
    resetValidationFailures: assign({ validationFailures: 0 }),
    forgetReauthFailures: assign({ reauthFailures: 0, lastReauthError: null }),
    recordReauthFailure: assign({
      reauthFailures: ({ context }) => context.reauthFailures + 1,
      // Taken in reauthenticating's onError only: the event is the popup's failure.
      lastReauthError: ({ event }) => describeError((event as { error?: unknown }).error),
    }),
    resetReauthFailures: assign({ reauthFailures: 0 }),
  },
  guards: {
    // Taken in validateSession's onDone only: the event's output is the backend's answer.
    isSessionValid: ({ event }) => (event as { output?: boolean }).output === true,
    hasValidationRetriesLeft: ({ context }) => context.validationFailures < context.limits.validationRetries,
    hasReauthAttemptsLeft: ({ context }) => context.reauthFailures + 1 < context.limits.reauthAttempts,
  },
  delays: {
    // `offline` is entered with its failure counted (1, 2, …): the first wait is validationBackoffMs.
    validationBackoff: ({ context }) =>
      context.limits.validationBackoffMs * 2 ** (context.validationFailures - 1),
    reauthCooldown: ({ context }) => context.limits.reauthCooldownMs,
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
    limits: { ...defaultLimits, ...input?.limits },
  }),
  initial: 'active',
  on: {
    'session.ended': { target: '.active', actions: ['rejectHeldRequests', 'clearQueue', 'forgetReauthFailures'] },
  },
  states: {
    active: {
      description: 'The token is believed good: requests go out with it. The queue is always empty here.',
      on: {
        // A 401, or a request whose token is known to be expiring.
        'request.held': { target: 'validating', actions: 'holdRequest' },
        'token.expiring': 'validating',
      },
    },
    validating: {
      description:
        'A 401, or a token about to expire: ask the backend once whether the token still works; new requests wait.',
      initial: 'checking',
      exit: 'resetValidationFailures',
      on: holding,
      states: {
        checking: {
          description: 'One validation request is out.',
          invoke: {
            id: 'validateSession',
            src: 'validateSession',
            onDone: [
              {
                guard: 'isSessionValid',
                target: '#session.active',
                actions: releaseQueue,
              },
              '#session.needsReauth',
            ],
            onError: [
              { guard: 'hasValidationRetriesLeft', target: 'offline', actions: 'countValidationFailure' },
              // Offline is not expired: let the requests go and settle with their own answers.
              { target: '#session.active', actions: releaseQueue },
            ],
          },
        },
        offline: {
          description: 'The backend could not be reached. Retry when the browser is back online, or after a backoff.',
          after: { validationBackoff: 'checking' },
          on: { 'network.online': 'checking' },
        },
      },
    },
    needsReauth: {
      description:
        'The token has expired. Requests are held, nothing is cleared; the user is asked to reconnect.',
      initial: 'waiting',
      on: holding,
      states: {
        waiting: {
          description: 'The banner offers Reconnect.',
          on: {
            'reauth.requested': '#session.reauthenticating',
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
      description: 'The sign-in popup is open. On success the new token is stored and every held request replays.',
      invoke: {
        id: 'reauthenticate',
        src: 'reauthenticate',
        onDone: resume,
        onError: [
          { guard: 'hasReauthAttemptsLeft', target: 'needsReauth', actions: 'recordReauthFailure' },
          { target: '#session.needsReauth.coolingDown', actions: ['recordReauthFailure', 'rejectHeldRequests', 'clearQueue'] },
        ],
      },
      on: holding,
    },
  },
});
