import type { ActorOptions, AnyActorLogic } from 'xstate';
import type { SessionLimits } from '../../../machines/session.machine.ts';
import { DEV } from './dev.ts';

/** fetch's options, and one of the session's own. */
export interface AuthFetchInit extends RequestInit {
  /**
   * `false` for a call that must not be sent twice (a payment, a non-idempotent write without a key).
   * Held before its first send, it waits and goes once as usual; answered 401, it is not replayed but
   * rejects with NotReplayedError (and the session checks its token as for any 401). Default `true`.
   */
  replay?: boolean;
}

/** `fetch`, with the session's own option: what `authFetch` is. Assignable to `typeof fetch`. */
export type AuthFetch = (input: RequestInfo | URL, init?: AuthFetchInit) => Promise<Response>;

/** What `createAuthFetch` needs from the app. */
export interface AuthFetchOptions {
  /** The current access token alone (no `Bearer `), or null when signed out. One no header can carry counts as expired. */
  getToken: () => string | null;
  /** Stores the token that re-authentication obtained. */
  setToken: (token: string) => void;
  /**
   * The app's getCurrentUser: true when the backend accepts the token, false
   * when it answers 401; rejects on a network failure or any other error. A TypeError reads as the network
   * down (fetch's are), its own bug's too; an answer that is no boolean (`validate: getCurrentUser`) tells the
   * session nothing. Development says so of both on the console.
   * It calls `fetch`, never `authFetch`: one from its synchronous part or with its `signal` is refused,
   * one after an await without it waits behind this very check until the session thinks it offline.
   */
  validate: (args: { token: string | null; signal: AbortSignal }) => Promise<boolean>;
  /**
   * Interactive re-auth (the sign-in popup): resolves with the new token, rejects when it is closed, blocked or fails.
   * fetch's TypeError, or an error whose `cause` is a TypeError, reads as the backend out of reach (offline, no attempt
   * spent); a TypeError in other words (its own bug's, `x is not a function`) is a failed sign-in.
   * It calls `fetch`, never `authFetch`: a call would wait behind this very sign-in until `reauthTimeoutMs`.
   */
  reauthenticate: (args: { signal: AbortSignal }) => Promise<string>;
  /**
   * Origins that get the token and 401 handling, as given (a copy: later changes to the array do nothing). Default:
   * the page's origin, read at call time. Empty: refused in development.
   */
  allowedOrigins?: string[];
  /**
   * Default: `globalThis.fetch`, read at call time so msw and test doubles can replace it. One of your own must drop
   * `Authorization` on a redirect to another origin, as the platform's does (node-fetch 2 keeps it from https to http).
   * To put authFetch in the place of `globalThis.fetch`, give the platform's here, taken before: else each call is refused.
   */
  fetch?: typeof fetch;
  /**
   * How long one validation may take before the backend counts as unreachable. Default 5 000 ms (also
   * `limits.validationTimeoutMs`); each probe after a failure may take twice as long, up to 30 s (a slow network).
   */
  validationTimeoutMs?: number;
  /**
   * How long before a JWT's `exp` the token counts as expiring: requests are
   * then held and the session validates before sending any. Default 60 000 ms.
   */
  expiryLeadMs?: number;
  /**
   * How long before a JWT's `exp` the notice offers "Stay signed in", to someone using the page.
   * Default 120 000 ms; longer than `expiryLeadMs`, or the session validates before the notice could show; 0: no notice.
   * At most half the token's life (`exp - iat`), so a token just renewed is not asked about at once.
   */
  remindBeforeMs?: number;
  /**
   * Budgets and deadlines of the chart (validation retries, backoff and timeout, re-auth attempts, cooldown and timeout,
   * `lookAgainMs`: how often the expiry is looked at again). A limit given as undefined keeps its default.
   */
  limits?: Partial<SessionLimits>;
  /** The clock of the chart's delays and, when it has `now()`, of token expiry; tests pass xstate's `SimulatedClock`. */
  clock?: ActorOptions<AnyActorLogic>['clock'];
}

/**
 * The origins allowed right now: the configured list, or the page's origin.
 *
 * @example
 * allowedOriginsNow({ allowedOrigins: ['https://api.example.com'] } as AuthFetchOptions); // ['https://api.example.com']
 */
export function allowedOriginsNow(options: AuthFetchOptions): readonly string[] {
  if (options.allowedOrigins) return options.allowedOrigins;
  const origin = globalThis.location?.origin;
  if (!origin || origin === 'null') {
    throw new TypeError(
      DEV
        ? 'authFetch: no allowedOrigins were given and there is no page origin (globalThis.location) to default to. ' +
            'Pass allowedOrigins to createAuthFetch.'
        : 'allowedOrigins',
    );
  }
  return [origin];
}

/**
 * What the chart is started with: its limits, `validationTimeoutMs` among them.
 *
 * @example
 * chartInput({ validationTimeoutMs: 2_000 } as AuthFetchOptions); // { limits: { validationTimeoutMs: 2000 } }
 */
export function chartInput(options: AuthFetchOptions): { limits: Partial<SessionLimits> } {
  const timeout = options.validationTimeoutMs;
  // A limit given as undefined is not given: spread, it would put undefined over the default.
  const given = Object.entries(options.limits ?? {}).filter(([, value]) => value !== undefined);
  return { limits: { ...(timeout !== undefined && { validationTimeoutMs: timeout }), ...Object.fromEntries(given) } };
}
