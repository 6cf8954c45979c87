import type { ActorOptions, AnyActorLogic } from 'xstate';
import { defaultLimits, longestDelayMs, type SessionLimits } from '../../../machines/session.machine.ts';
import { DEV } from './dev.ts';
import { urlSummary } from './url-summary.ts';

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

const requiredFunctions = ['getToken', 'setToken', 'validate', 'reauthenticate'] as const;
const durations = ['validationTimeoutMs', 'expiryLeadMs', 'remindBeforeMs'] as const;
const positiveLimits = new Set(['validationBackoffMs', 'validationTimeoutMs', 'reauthTimeoutMs', 'lookAgainMs']);

/** A rejected value as a message may show it: numbers as they are, anything else by its type (a string could be a secret). */
const shown = (value: unknown) => (typeof value === 'number' ? String(value) : `a ${typeof value}`);

/**
 * Checks the options up front so that a wiring mistake fails at start-up with
 * a message, not at the first expired token.
 *
 * @example
 * assertAuthFetchOptions({ getToken: () => null }); // TypeError: createAuthFetch: options.setToken must be a function …
 */
export function assertAuthFetchOptions(options: AuthFetchOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createAuthFetch: expected an options object with getToken, setToken, validate and reauthenticate.');
  }
  for (const name of requiredFunctions) {
    if (typeof options[name] !== 'function') {
      throw new TypeError(`createAuthFetch: options.${name} must be a function, got ${typeof options[name]}.`);
    }
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError(`createAuthFetch: options.fetch must be a function when given, got ${typeof options.fetch}.`);
  }
  for (const name of durations) assertMs('createAuthFetch', options, name, name === 'validationTimeoutMs' ? 1 : 0);
  const remind = options.remindBeforeMs ?? 120_000;
  if (remind > 0 && remind <= (options.expiryLeadMs ?? 60_000)) {
    throw new TypeError(
      `createAuthFetch: options.remindBeforeMs (${remind}) must be longer than expiryLeadMs (${options.expiryLeadMs ?? 60_000}): the session validates the token from expiryLeadMs before its exp on, so the notice would never show. Set 0 for no notice.`,
    );
  }
  for (const [name, value] of Object.entries(options.limits ?? {})) {
    // Not given, as for the other options: the default holds (chartInput drops it).
    if (value === undefined) continue;
    if (!Object.hasOwn(defaultLimits, name)) {
      throw new TypeError(
        `createAuthFetch: options.limits.${name} is no limit of the session: it has ${Object.keys(defaultLimits).join(', ')}.`,
      );
    }
    // Counts may be any size; durations must fit a timer; a backoff or deadline of 0 would loop or give up at once.
    const most = name.endsWith('Ms') ? longestDelayMs : Number.MAX_SAFE_INTEGER;
    const least = positiveLimits.has(name) ? 1 : 0;
    if (!(typeof value === 'number' && value >= least && value <= most)) {
      throw new TypeError(`createAuthFetch: options.limits.${name} must be a number from ${least} to ${most}, got ${shown(value)}.`);
    }
  }
  assertOriginList(options);
  if (options.allowedOrigins?.length === 0) {
    throw new TypeError(
      "createAuthFetch: options.allowedOrigins is empty: no call would carry the token. List the API's origin, or leave it out for the page's.",
    );
  }
  for (const origin of options.allowedOrigins ?? []) {
    const parsed = originOf(origin);
    if (parsed !== origin) {
      const hint = parsed && parsed !== 'null' ? ` Did you mean "${parsed}"?` : '';
      throw new TypeError(
        // Up to the query: a URL copied from a request may carry a token there.
        `createAuthFetch: allowedOrigins entry "${urlSummary(String(origin))}" is not an origin (scheme://host[:port], no path).${hint}`,
      );
    }
  }
}

/**
 * Checks that `options[name]`, when given, is a duration a timer can wait: from `least` to 2^31-1 ms (past it, one fires at once).
 *
 * @example
 * assertMs('openSignInPopup', { timeoutMs: Infinity }, 'timeoutMs', 1); // TypeError: openSignInPopup: options.timeoutMs must be …
 */
export function assertMs<T extends object>(where: string, options: T, name: keyof T & string, least: number): void {
  const ms = options[name];
  if (ms !== undefined && !(typeof ms === 'number' && ms >= least && ms <= longestDelayMs)) {
    throw new TypeError(
      `${where}: options.${name} must be a number of milliseconds from ${least} to 2^31-1 (${longestDelayMs}), got ${shown(ms)}.`,
    );
  }
}

/** The origin `URL` reads in `entry`, or null where it reads no URL at all. */
function originOf(entry: string): string | null {
  try {
    // Stryker disable BlockStatement: an emptied catch returns undefined, which no entry equals, as null
    return new URL(entry).origin;
  } catch {
    return null;
  }
  // Stryker restore BlockStatement
}

/** Whether `entry` is an origin as `URL` writes it: what authFetch may match as the start of a URL. */
const isOrigin = (entry: string) => originOf(entry) === entry;

/**
 * Checks that `allowedOrigins`, when given, is a list of origins: kept in production, for a string's includes() would
 * match lookalike origins as substrings, and an entry that is no origin ('', 'https:') begins `//evil.example` too:
 * either would send them the token. Development checks each entry afterwards, with a hint.
 *
 * @example
 * assertOriginList({ allowedOrigins: 'https://api.example.com' } as never); // TypeError
 */
export function assertOriginList(options: AuthFetchOptions): void {
  const list = options.allowedOrigins;
  if (list !== undefined && !(Array.isArray(list) && (DEV || list.every(isOrigin)))) {
    throw new TypeError(
      DEV ? 'createAuthFetch: options.allowedOrigins must be an array of origins such as "https://api.example.com".' : 'allowedOrigins',
    );
  }
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
