/**
 * Runs `task` with a signal that aborts when `signal` does or after `ms`, and
 * rejects at the deadline even if the task ignores its signal: a wait with no
 * way out is a hang.
 *
 * @example
 * await withTimeout(5_000, controller.signal, (signal) => fetch('/auth/me', { signal }));
 */
export function withTimeout<T>(ms: number, signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timed = AbortSignal.any([signal, AbortSignal.timeout(ms)]);
  const deadline = new Promise<never>((_, reject) =>
    timed.aborted ? reject(timed.reason) : timed.addEventListener('abort', () => reject(timed.reason)),
  );
  return Promise.race([task(timed), deadline]);
}
