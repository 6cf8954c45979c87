import type { AuthFetchOptions } from './options.ts';
import { assertMs } from './option-checks.ts';
import type { TabLocks } from './tab-locks.ts';

/** How `createTabSync` names its channel and locks, where it keeps what tabs share, and how long it waits. */
export interface TabSyncOptions {
  /** Channel and lock names share it; one per app. Default 'quiet-session'. */
  name?: string;
  /** Default `navigator.locks`. Without locks, tabs still share tokens but not the single popup or validation. */
  locks?: TabLocks;
  /**
   * How long a tab's answer that the token is good is reused by the tabs whose validations waited behind it (never for a
   * 401 that came after it). Default 5 000 ms. An answer that it is not does not expire: the backend does not take a
   * token back once it has rejected it. A tab asking whether the backend is back takes either only if given while it waited.
   */
  answerTtlMs?: number;
  /**
   * Where the tabs share the last validation answer, and "Not now" for a tab opened later (as the token's `exp`,
   * never the token). Default `localStorage`. With locks the answer is also held as a lock's name, for
   * localStorage reaches the other tabs only a moment later.
   */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /**
   * How long a tab waits for a lock another tab holds (its validation; the popup of a Reconnect pressed at the
   * same moment) before it takes the lock over, so that a frozen tab blocks nobody. Default 3 000 ms: below
   * createAuthFetch's validationTimeoutMs, or the waiting tab's validation would time out first.
   */
  lockTimeoutMs?: number;
  /**
   * How long another tab's popup is followed here ("Reconnecting in another tab…", Reconnect disabled) should that
   * tab never finish (frozen, its popup stuck): then Reconnect is offered here again. Default 120 000 ms, the
   * timeout of openSignInPopup; it starts again when that tab's Try again opens a new window.
   */
  popupTimeoutMs?: number;
}

/**
 * Wiring mistakes, caught in development like createAuthFetch's: a function missing (its TypeError would read as the
 * network down: offline for good), or Infinity for "for good" (past 2^31-1 ms a timer fires at once).
 *
 * @example
 * assertTabSyncOptions({ validate }, {}); // TypeError: createTabSync: reauthenticate must be a function, got undefined.
 */
export function assertTabSyncOptions(inner: Pick<AuthFetchOptions, 'validate' | 'reauthenticate'>, options: TabSyncOptions): void {
  for (const name of ['validate', 'reauthenticate'] as const) {
    if (typeof inner?.[name] !== 'function') throw new TypeError(`createTabSync: ${name} must be a function, got ${typeof inner?.[name]}.`);
  }
  for (const [name, least] of [
    ['popupTimeoutMs', 1],
    ['lockTimeoutMs', 1],
    ['answerTtlMs', 0],
  ] as const) {
    assertMs('createTabSync', options, name, least);
  }
}
