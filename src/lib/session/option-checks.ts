import { defaultLimits, longestDelayMs } from '../../../machines/session.machine.ts';
import { attempt } from './attempt.ts';
import { DEV } from './dev.ts';
import type { AuthFetchOptions } from './options.ts';
import { urlSummary } from './url-summary.ts';

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
  const clock = options.clock as { setTimeout?: unknown; clearTimeout?: unknown } | undefined;
  // Else the chart fails at its first timer, after start: every call then refused as "stopped", the cause unsaid.
  if (clock !== undefined && !(typeof clock?.setTimeout === 'function' && typeof clock.clearTimeout === 'function')) {
    throw new TypeError(
      "createAuthFetch: options.clock must have setTimeout and clearTimeout, as xstate's SimulatedClock has; leave it out for the system's.",
    );
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
    // A null entry (`[env.API_ORIGIN ?? null]`) equals the null that says "no URL": no origin either.
    if (parsed === null || parsed !== origin) {
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
const originOf = (entry: string) => attempt(() => new URL(entry).origin) ?? null;

/** Whether `entry` is an origin as `URL` writes it: what authFetch may match as the start of a URL. */
const isOrigin = (entry: string) => {
  const origin = originOf(entry);
  return origin !== null && origin === entry;
};

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
