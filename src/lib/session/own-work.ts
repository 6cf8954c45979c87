/**
 * What authFetch must know of the session's own work: the token the chart's expiry timer is set for (a call
 * with it need not read the clock), and the signals of validate and the popup (a call made with one, or from
 * validate's synchronous part, would wait behind the very check it is part of).
 */
export interface OwnWork {
  timedToken: string | null | undefined;
  insideValidate: boolean;
  /** The tokens the backend refused (one check may refuse two): it never takes one back, so another tab's message naming it again is no news. */
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
