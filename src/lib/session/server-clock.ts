/** One sample a second is plenty: clocks drift by seconds a day. */
const sampleEveryMs = 1_000;

/**
 * Estimates how far the backend's clock is from this tab's, from the `Date`
 * header of its answers (cross-origin, the backend must expose it), so that
 * a fast or slow client clock neither asks early nor sends a dead token.
 * Only a change of more than a second is reported.
 *
 * @example
 * const clock = createServerClock({ now: Date.now, offset: () => current, report: (ms) => (current = ms) });
 * clock.observe(response);
 */
export function createServerClock(options: { now: () => number; offset: () => number; report: (offsetMs: number) => void }) {
  let sampledAt = -Infinity;
  return {
    observe(response: Response): void {
      const at = options.now();
      if (at - sampledAt < sampleEveryMs) return;
      sampledAt = at;
      const date = Date.parse(response.headers?.get('date') ?? '');
      if (!Number.isFinite(date)) return;
      // `Date` is to the second: the backend's time was somewhere in the second after it.
      const offset = date + 500 - at;
      if (Math.abs(offset - options.offset()) > sampleEveryMs) options.report(Math.round(offset));
    },
  };
}
