import { useEffect, useState } from 'react';

/**
 * The time and timers the app's countdowns read: the page's own, or xstate's `SimulatedClock` in tests
 * (the same one the session runs on, so that both agree on "now").
 */
export interface AppClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * The page's clock.
 *
 * @example
 * <AuthProvider {...wiring} clock={pageClock} />
 */
export const pageClock: AppClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
};

/**
 * `clock.now()`, read again every `everyMs` while `everyMs` is a number (null: no timer, the time of
 * the last render). For a countdown that says "in 2 minutes", then "in 1 minute".
 *
 * @example
 * const now = useNow(pageClock, reminding ? 1_000 : null);
 */
export function useNow(clock: AppClock, everyMs: number | null): number {
  const [now, setNow] = useState(() => clock.now());
  const [counting, setCounting] = useState(everyMs);
  // Read again as the timer starts, before anything shows: the first words would otherwise say the time of the last render.
  if (counting !== everyMs) {
    setCounting(everyMs);
    if (everyMs !== null) setNow(clock.now());
  }
  useEffect(() => {
    if (everyMs === null) return;
    let timer: unknown;
    const tick = () => {
      setNow(clock.now());
      timer = clock.setTimeout(tick, everyMs);
    };
    // At once too: the value of the first render may be old by the time the timer starts.
    tick();
    return () => clock.clearTimeout(timer);
  }, [clock, everyMs]);
  return now;
}
