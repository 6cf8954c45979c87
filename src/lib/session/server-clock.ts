import { requestUrl } from './request-url.ts';

/** One send in so many timed and its answer read is plenty (clocks drift by seconds a day): reading the clock costs on every call. */
const sampleEvery = 50;
/** Offsets closer than this to what an answer allows are the Date header's own rounding. */
const noiseMs = 1_000;

/** How long a cache has kept the answer (RFC 9111: the origin's time now is `Date` plus `Age`); NaN for an Age that is no count of seconds. */
// Stryker disable next-line Regex: looser anchors or classes let through only what Number() refuses; \d for \d+ fails the Age tests
const ageMs = (age: string | null | undefined) => (age == null ? 0 : /^\s*\d+\s*$/.test(age) ? Number(age) * 1000 : Number.NaN);

/** How long an answer is waited for to read the clock by, before this tab's is taken for it: the first check's limit. */
const readingWaitMs = 5_000;

/** What `sending` gives a send whose answer will not be read: its time was not taken. */
const untimed = -Infinity;

/**
 * Estimates how far the backend's clock is from this tab's, from the `Date`
 * header of its answers (cross-origin, the backend must expose it), so that
 * a fast or slow client clock neither asks early nor sends a dead token.
 * Every answer is read until the clock is known, then one send in fifty's
 * (every send's after a wake, a redirect or a `Date` or `Age` that does not
 * parse, until one sent since is answered), and every 401 (`force`). The
 * backend wrote `Date` between the send and the answer: a change is reported
 * only when the offset is more than a second from every moment in between
 * (a late answer proves no change), and then the middle. A change read from
 * an answer the browser's cache may have kept (its `Date` as old as the
 * cache) is reported once the next answer agrees; a 401 is never cached, and
 * taken at once unless sent untimed and putting the backend behind (it may
 * have come late). A cache's `Age` is added to `Date` (a CDN sends `Age: 0`
 * on answers it did not keep: ignoring them would read none).
 *
 * @example
 * const clock = createServerClock({ now: Date.now, offset: () => current, report: (ms) => (current = ms) });
 * const sentAt = clock.sending();
 * clock.observe(await fetch(url), sentAt, false, url);
 */
export function createServerClock(options: { now: () => number; offset: () => number; report: (offsetMs: number) => void }) {
  let sends = 0;
  /** A reading is owed (a wake, a Date that did not parse, a redirect): sends are timed until an answer to one sent since comes. */
  let owed = false;
  /** When the first send since it was owed went: an answer to one sent before (out across a sleep) does not pay it. */
  let owedFrom: number | null = null;
  /** A change seen once, the offsets it allows as [low, high], waiting for the next answer to agree. */
  let unconfirmed: [number, number] | null = null;
  /** Whether the backend's clock is known: a Date taken, or an answer with none (this tab's clock is all there is). */
  let known = false;
  /** Half the range of offsets the reading taken allowed: its middle is off by that much at most, besides the rounding. */
  let halfRangeMs = 0;
  /** When the first send went while the clock was unknown: the notice waits for its answer, not for later ones. */
  let firstUnknownSendAt: number | null = null;
  return {
    /**
     * How far the reading may be off: the Date's rounding, and half the delay of the answer it was taken from. None said
     * before a reading: this tab's clock may be hours off, and a token past `exp` on it goes once, its 401 read (0009).
     */
    uncertaintyMs: () => (known ? noiseMs + halfRangeMs : 0),
    /** False until an answer's time is taken (a change once the next agrees) or one says none: `exp` is on this tab's clock till then. */
    known: () => known,
    /**
     * Ms until the first send's answer is given up as the clock's first reading, else 0: a notice due on this tab's
     * clock alone waits for it (the clock may be an hour off), but never past 5 s after that send, however many follow.
     */
    msUntilReadingGivenUp: () => {
      if (known || firstUnknownSendAt === null) return 0;
      const since = options.now() - firstUnknownSendAt;
      // A clock set back since (NTP after a fast start) cannot say how long it has waited: given up, or it waits as long as the clock went back.
      return since < 0 ? 0 : Math.max(0, readingWaitMs - since);
    },
    /** The next answer is read, sends timed until one comes: this tab's clock may have been set meanwhile (NTP after a sleep). */
    readNext(): void {
      owed = true;
      // Sends out before now do not pay it: timed as the fiftieth, one out across a sleep says nothing of the clock since.
      owedFrom = null;
    },
    /** Called as a request goes: its send time for `observe`, read only when its answer's turn has come (the clock costs on every call). */
    sending(): number {
      // Stryker disable next-line UpdateOperator: counting down reads the same one in fifty, for -50 % 50 is -0, equal to 0
      if (!(sends++ % sampleEvery === 0 || owed || unconfirmed !== null || !known)) return untimed;
      const now = options.now();
      if (owed) owedFrom ??= now;
      if (!known) firstUnknownSendAt ??= now;
      return now;
    },
    /** Reads `response` to the request sent at `sentAt` (from `sending`) to `sentTo` (its absolute URL, or the Request). */
    observe(response: Response, sentAt: number, force = false, sentTo?: Request | string): void {
      const timed = sentAt !== untimed;
      if (!timed && !force) return;
      // Redirected to another origin: its Date is another server's clock; the next answer is read instead.
      if (sentTo && response.redirected && new URL(response.url).origin !== requestUrl(sentTo).origin) return void (owed = true);
      // Paid by an answer, not a send: one sent timed and never answered (aborted, cut off) leaves it owed.
      if (owedFrom !== null && sentAt >= owedFrom) {
        owed = false;
        owedFrom = null;
      }
      const at = options.now();
      const header = response.headers?.get('date');
      // Stryker disable next-line StringLiteral: Date.parse of '' and of any other text that is no date is NaN alike
      const date = Date.parse(header ?? '');
      const age = ageMs(response.headers?.get('age'));
      // Stryker disable next-line ArithmeticOperator: a sum or a difference is finite only when both are
      if (!Number.isFinite(date + age)) {
        // No Date at all (not exposed, cross-origin): this backend never tells its time.
        known ||= header == null;
        // A Date or Age that does not parse tells nothing: the next may, so it is read.
        // Stryker disable next-line ConditionalExpression: true also resets for a missing Date, which is then read again: time, not correctness
        if (header != null) owed = true;
        return;
      }
      // The backend's time was in the second after `Date`, `Age` seconds ago, at some moment from the send to now.
      const low = date + age + 500 - at;
      // A 401 sent untimed may have come late: read as come at once, it shows the backend ahead, and behind once a timed answer agrees.
      const high = timed ? date + age + 500 - Math.min(sentAt, at) : low;
      const current = options.offset();
      const seen = unconfirmed;
      unconfirmed = null;
      if (current >= low - noiseMs && current <= high + noiseMs) {
        known = true;
        return;
      }
      // The middle: wrong by half the delay at most, whichever end of it the backend wrote Date at.
      const offset = (low + high) / 2;
      if (
        // Stryker disable next-line EqualityOperator: <= differs only at current === low, and untimed high is low: agreed above
        (force && (timed || current < low)) ||
        (timed && seen !== null && seen[0] - high <= 2 * noiseMs && low - seen[1] <= 2 * noiseMs)
      ) {
        known = true;
        halfRangeMs = (high - low) / 2;
        options.report(Math.round(offset));
      } else unconfirmed = [low, high];
    },
  };
}
