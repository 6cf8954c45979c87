import type { SimulatedClock } from 'xstate';

/**
 * `clock` as the session's clock, and whether one of the timers it set is due: SimulatedClock runs a timer
 * only when moved, while a real loop runs one whose time has come before the next task.
 *
 * @example
 * const timers = watchedTimers(clock);
 * createAuthFetch({ ...options, clock: timers.clock });
 * if (timers.due()) clock.increment(0);
 */
export function watchedTimers(clock: SimulatedClock) {
  const dueAt = new Map<number, number>();
  return {
    clock: {
      now: () => clock.now(),
      setTimeout(fn: () => void, ms: number) {
        const id = clock.setTimeout(() => {
          dueAt.delete(id);
          fn();
        }, ms);
        dueAt.set(id, clock.now() + ms);
        return id;
      },
      clearTimeout(id: number) {
        dueAt.delete(id);
        clock.clearTimeout(id);
      },
    },
    due: () => [...dueAt.values()].some((at) => at <= clock.now()),
  };
}
