import { assign, fromPromise, setup } from 'xstate';

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

export interface SessionContext {
  queue: HeldRequest[];
  /** Consecutive failed re-authentications since the last success. */
  reauthFailures: number;
  lastReauthError: ReauthFailure | null;
}

export type SessionEvent =
  | { type: 'request.held'; request: HeldRequest }
  | { type: 'request.unauthorized'; request: HeldRequest }
  | { type: 'request.aborted'; id: string }
  | { type: 'reauth.requested' }
  | { type: 'token.adopted' };

function describeError(error: unknown): ReauthFailure {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

const releaseQueue = ['replayHeldRequests', 'clearQueue'] as const;

/**
 * The session statechart. Pure: validation, re-authentication and replaying
 * held requests are placeholders here and supplied with `.provide()` by
 * `createAuthFetch`, so the chart runs the same in tests, the inspector and
 * Stately's editor.
 *
 * @example
 * const actor = createActor(sessionMachine.provide({
 *   actors: { validateSession: fromPromise(async () => false), reauthenticate: fromPromise(async () => {}) },
 *   actions: { replayHeldRequests: ({ context }) => console.log(context.queue) },
 * })).start();
 */
export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
  },
  actors: {
    /** Asks the backend whether the current token is still accepted (true/false); rejects on a network failure. */
    validateSession: fromPromise<boolean>(async () => {
      throw new Error('validateSession was not provided');
    }),
    /** Interactive re-auth; stores the new token itself so it never enters the machine. */
    reauthenticate: fromPromise<void>(async () => {
      throw new Error('reauthenticate was not provided');
    }),
  },
  actions: {
    /** Lets every request in `context.queue` go: each is sent with the current token. */
    replayHeldRequests: (_args: { context: SessionContext }) => {},
    holdRequest: assign({
      queue: ({ context, event }) =>
        event.type === 'request.held' || event.type === 'request.unauthorized'
          ? [...context.queue, event.request]
          : context.queue,
    }),
    dropRequest: assign({
      queue: ({ context, event }) =>
        event.type === 'request.aborted' ? context.queue.filter((r) => r.id !== event.id) : context.queue,
    }),
    clearQueue: assign({ queue: [] }),
    recordReauthSuccess: assign({ reauthFailures: 0, lastReauthError: null }),
    recordReauthFailure: assign({
      reauthFailures: ({ context }) => context.reauthFailures + 1,
      lastReauthError: (_, params: { error: unknown }) => describeError(params.error),
    }),
  },
  guards: {
    isSessionValid: (_, params: { valid: boolean }) => params.valid,
  },
}).createMachine({
  id: 'session',
  description:
    'One session for every request of the app: a 401 is validated once, held requests wait for the user to reconnect, then replay.',
  context: { queue: [], reauthFailures: 0, lastReauthError: null },
  initial: 'active',
  states: {
    active: {
      description: 'The token is believed good: requests go out with it.',
      on: {
        // New requests are not held here: authFetch sends them straight away, so the queue is always empty.
        'request.unauthorized': { target: 'validating', actions: 'holdRequest' },
      },
    },
    validating: {
      description:
        'A request sent with the current token got 401: ask the backend once whether the token still works; new requests wait.',
      invoke: {
        id: 'validateSession',
        src: 'validateSession',
        onDone: [
          {
            guard: { type: 'isSessionValid', params: ({ event }) => ({ valid: event.output }) },
            target: 'active',
            actions: releaseQueue,
          },
          { target: 'needsReauth' },
        ],
        // A network failure is not an expiry: let the requests go and settle on their own.
        onError: { target: 'active', actions: releaseQueue },
      },
      on: {
        'request.held': { actions: 'holdRequest' },
        'request.unauthorized': { actions: 'holdRequest' },
        'request.aborted': { actions: 'dropRequest' },
        'token.adopted': { target: 'active', actions: releaseQueue },
      },
    },
    needsReauth: {
      description:
        'The token has expired. Requests are held, nothing is cleared; the user is asked to reconnect.',
      on: {
        'reauth.requested': { target: 'reauthenticating' },
        'request.held': { actions: 'holdRequest' },
        'request.unauthorized': { actions: 'holdRequest' },
        'request.aborted': { actions: 'dropRequest' },
        'token.adopted': { target: 'active', actions: releaseQueue },
      },
    },
    reauthenticating: {
      description: 'The sign-in popup is open. On success the new token is stored and every held request replays.',
      invoke: {
        id: 'reauthenticate',
        src: 'reauthenticate',
        onDone: { target: 'active', actions: ['recordReauthSuccess', ...releaseQueue] },
        onError: {
          target: 'needsReauth',
          actions: { type: 'recordReauthFailure', params: ({ event }) => ({ error: event.error }) },
        },
      },
      on: {
        'request.held': { actions: 'holdRequest' },
        'request.unauthorized': { actions: 'holdRequest' },
        'request.aborted': { actions: 'dropRequest' },
        'token.adopted': { target: 'active', actions: ['recordReauthSuccess', ...releaseQueue] },
      },
    },
  },
});
