import { useEffect, useRef, useState } from 'react';
import { ApiError, isAbortError, waitBeforeAsking } from '../lib/api-error.ts';
import { describeProblem } from '../lib/problem-text.ts';

/** Options of `usePolling`. */
export interface PollingOptions<T> {
  intervalMs: number;
  /** False pauses polling (default true). */
  enabled?: boolean;
  /** Stop once the value says so (a finished workflow). */
  until?: (value: T) => boolean;
  /** A change restarts polling from scratch (another workflow id, another account): the last answer is gone at once. */
  key?: unknown;
  /** A change asks again at once, the last answer staying on screen until the new one comes (a credit spent). */
  refresh?: unknown;
  /** Stop at a 404 or 410, the last answer dropped: what is polled is gone (a workflow the backend forgot), not down for a moment. */
  stopWhenGone?: boolean;
}

/**
 * Calls `load` now and again `intervalMs` after each answer: one call in
 * flight at a time, so an expired session holds one poll, not a pile.
 * Unmounting aborts the call in flight. A failure is said in plain words; the
 * last answer stays on screen. An answer's `Retry-After` is waited out before the next call; with
 * `stopWhenGone`, a 404 or 410 ends the polling until the key changes, and the last answer with it.
 *
 * @example
 * const { data } = usePolling((signal) => getServicesHealth({ signal }), { intervalMs: 2000 });
 */
export function usePolling<T>(
  load: (signal: AbortSignal) => Promise<T>,
  options: PollingOptions<T>,
): { data: T | null; error: string | null } {
  const { intervalMs, enabled = true, key, refresh } = options;
  // With the key it was polled for: another key's answer is none, even in the render before the effect below runs.
  const [state, setState] = useState<{ data: T | null; error: string | null; key: unknown }>({ data: null, error: null, key });
  // The latest closures, so that callers may pass inline functions without restarting the loop.
  const latest = useRef({ load, until: options.until, stopWhenGone: options.stopWhenGone });
  latest.current = { load, until: options.until, stopWhenGone: options.stopWhenGone };
  // What the answer on screen was polled for: only a new `refresh` of the same keeps it.
  const polled = useRef<{ key: unknown; intervalMs: number } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` is read by no one; its change restarts the loop.
  useEffect(() => {
    if (!enabled) {
      polled.current = null;
      return;
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const same = polled.current !== null && Object.is(polled.current.key, key) && polled.current.intervalMs === intervalMs;
    polled.current = { key, intervalMs };
    if (!same) setState({ data: null, error: null, key });
    const tick = async () => {
      let wait = intervalMs;
      try {
        const data = await latest.current.load(controller.signal);
        if (controller.signal.aborted) return;
        setState({ data, error: null, key });
        if (latest.current.until?.(data)) return;
      } catch (error) {
        if (controller.signal.aborted || isAbortError(error)) return;
        const problem = describeProblem(error, 'update');
        const gone = latest.current.stopWhenGone === true && error instanceof ApiError && (error.status === 404 || error.status === 410);
        // Gone, the last answer is of nothing there any more ("running", for ever): only the problem stays.
        setState((previous) => ({ data: gone ? null : previous.data, error: problem ?? previous.error, key }));
        // Gone: asking each second changes nothing; a new key asks again.
        if (gone) return;
        // A 429 or 503 that says how long to wait.
        wait = waitBeforeAsking(error, wait);
      }
      timer = setTimeout(tick, wait);
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [enabled, intervalMs, key, refresh]);

  return Object.is(state.key, key) ? { data: state.data, error: state.error } : { data: null, error: null };
}
