/**
 * What authFetch must know of the session's own work: the token the chart's expiry timer is set for (a call
 * with it need not read the clock), and the signals of validate and the popup (a call made with one, or from
 * validate's synchronous part, would wait behind the very check it is part of).
 */
export interface OwnWork {
  timedToken: string | null | undefined;
  insideValidate: boolean;
  /**
   * The tokens the backend refused (one check may refuse two; a held call's 401 with a token changed since): it never
   * takes one back, so another tab's message naming it again is no news.
   */
  readonly refused: Set<string | null>;
  /** The token a validation is asking about, and its signal (aborted once the chart moved on): its answer is the news. */
  checking: { token: string | null; signal: AbortSignal } | null;
  readonly signals: WeakSet<AbortSignal>;
}

/**
 * @example
 * const own = createOwnWork();
 * own.signals.add(signal);
 */
export function createOwnWork(): OwnWork {
  return { timedToken: undefined, insideValidate: false, refused: new Set(), checking: null, signals: new WeakSet() };
}

/**
 * Keeps `token` among those the backend refused: the last few, which a late message can name; a tab open for weeks
 * keeps no list of every token it had.
 *
 * @example
 * noteRefused(own, token);
 */
export function noteRefused(own: OwnWork, token: string | null): void {
  own.refused.add(token);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: how many are kept bounds memory, not what a user sees
  if (own.refused.size > 4) own.refused.delete(own.refused.values().next().value as string | null);
}

let headerSafe: string | null = null;
/**
 * True when `token` fits in a header: fetch's TypeError for one that does not would quote it to error trackers.
 *
 * @example
 * isHeaderSafe('abc\u0001'); // false
 */
export function isHeaderSafe(token: string | null): boolean {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut only; the test below gives the same answer, null passing as "null"
  if (token === null || token === headerSafe) return true;
  if (!/^[\x21-\x7e]+$/.test(token)) return false;
  headerSafe = token;
  return true;
}
