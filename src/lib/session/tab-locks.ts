import { DEV } from './dev.ts';
import { eitherSignal } from './either-signal.ts';

/** The part of the Web Locks API we use; `navigator.locks` in browsers. */
export interface TabLocks {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal },
    grant: (lock: unknown) => Promise<T> | T,
  ): Promise<T>;
  /** The locks held now, by every tab of the origin. */
  query(): Promise<{ held?: Array<{ name?: string }> }>;
}

/**
 * Runs `work` holding the lock `name`, waiting for it at most `bound` ms (or, given `until`, until that
 * aborts; or until `signal` does), then taking it over (`steal`): a holder that never
 * lets go (a frozen tab, a popup that never settles) must not block the other
 * tabs for good, as Supabase auth-js's locks did under StrictMode, HMR and
 * Android. Taken over in its turn, `work` goes on and still gives this tab its
 * answer; it never steals back, which would set off a cascade of steals.
 *
 * @example
 * const valid = await underLock(navigator.locks, 'app:validate', 3_000, signal, () => askBackend());
 */
export async function underLock<T>(
  locks: TabLocks,
  name: string,
  bound: number | { ms: number; until: AbortSignal },
  signal: AbortSignal,
  work: () => Promise<T>,
  onTakeOver?: () => void,
): Promise<T> {
  let running: Promise<T> | undefined;
  const run = () => {
    waiting.dispose();
    return (running = work());
  };
  const waiting = typeof bound === 'number' ? eitherSignal([signal], bound) : eitherSignal([signal, bound.until]);
  try {
    return await locks.request(name, { signal: waiting.signal }, run);
  } catch (error) {
    // Granted, then taken over (or the work failed): the work's own outcome is the answer.
    if (running) return running;
    if (signal.aborted || !waiting.signal.aborted) throw error;
  } finally {
    waiting.dispose();
  }
  const ms = typeof bound === 'number' ? bound : bound.ms;
  if (DEV) console.warn(`quiet-session: another tab held the lock "${name}" for over ${ms} ms; taking it over.`);
  onTakeOver?.();
  return locks.request(name, { steal: true }, run).catch((error: unknown) => {
    if (running) return running;
    throw error;
  });
}
