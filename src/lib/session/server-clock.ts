import { requestUrl } from './request-url.ts';

/** One answer in so many is plenty (clocks drift by seconds a day), and reading the clock costs on every call. */
const sampleEvery = 50;
/** Offsets closer than this to the last are the Date header's own rounding. */
const noiseMs = 1_000;

/** How long a cache has kept the answer (RFC 9111: the origin's time now is `Date` plus `Age`); NaN for an Age that is no count of seconds. */
// Stryker disable next-line Regex: looser anchors or classes let through only what Number() refuses; \d for \d+ fails the Age tests
const ageMs = (age: string | null | undefined) => (age == null ? 0 : /^\s*\d+\s*$/.test(age) ? Number(age) * 1000 : Number.NaN);

/**
 * Estimates how far the backend's clock is from this tab's, from the `Date`
 * header of its answers (cross-origin, the backend must expose it), so that
 * a fast or slow client clock neither asks early nor sends a dead token.
 * The first answer is read, then one in fifty (the next, when its `Date` or
 * `Age` does not parse), and every 401 (`force`); only
 * a change of more than a second is reported. A change read from an answer
 * the browser's cache may have kept (its `Date` as old as the cache) is
 * reported once the next answer agrees; a 401 is never cached. A cache's `Age` is
 * added to `Date` (a CDN sends `Age: 0` on answers it did not keep: ignoring them would read none).
 *
 * @example
 * const clock = createServerClock({ now: Date.now, offset: () => current, report: (ms) => (current = ms) });
 * clock.observe(response, false, 'https://api.example.com/api/credits');
 */
export function createServerClock(options: { now: () => number; offset: () => number; report: (offsetMs: number) => void }) {
  let answers = 0;
  /** A change seen once, waiting for the next answer to agree. */
  let unconfirmed: number | null = null;
  /** Whether the backend's clock is known: a Date taken, or an answer with none (this tab's clock is all there is). */
  let known = false;
  return {
    /** False until an answer's time is taken (a change once the next agrees) or one says none: `exp` is on this tab's clock till then. */
    known: () => known,
    /** The next answer is read: this tab's clock may have been set meanwhile (NTP after a sleep). */
    readNext(): void {
      answers = 0;
    },
    /** Reads `response`, when its turn has come, to the request sent to `sentTo` (its absolute URL, or the Request). */
    observe(response: Response, force = false, sentTo?: Request | string): void {
      // Stryker disable next-line UpdateOperator: counting down reads the same one in fifty, for -50 % 50 is -0, equal to 0
      if (answers++ % sampleEvery !== 0 && !force && unconfirmed === null) return;
      // Redirected to another origin: its Date is another server's clock; the next answer is read instead.
      if (sentTo && response.redirected && new URL(response.url).origin !== requestUrl(sentTo).origin) return void (answers = 0);
      const at = options.now();
      const header = response.headers?.get('date');
      // Stryker disable next-line StringLiteral: Date.parse of '' and of any other text that is no date is NaN alike
      const date = Date.parse(header ?? '');
      const age = ageMs(response.headers?.get('age'));
      // Stryker disable next-line ArithmeticOperator: a sum or a difference is finite only when both are
      if (!Number.isFinite(date + age)) {
        // No Date at all (not exposed, cross-origin): this backend never tells its time.
        known ||= header == null;
        // A Date or Age that does not parse tells nothing: the next answer may, so it is read.
        // Stryker disable next-line ConditionalExpression: true also resets for a missing Date, which is then read again: time, not correctness
        if (header != null) answers = 0;
        return;
      }
      // `Date` is to the second: the backend's time was somewhere in the second after it, and `Age` seconds ago.
      const offset = date + age + 500 - at;
      const seen = unconfirmed;
      unconfirmed = null;
      if (Math.abs(offset - options.offset()) <= noiseMs) {
        known = true;
        return;
      }
      if (force || (seen !== null && Math.abs(offset - seen) <= 2 * noiseMs)) {
        known = true;
        options.report(Math.round(offset));
      } else unconfirmed = offset;
    },
  };
}
