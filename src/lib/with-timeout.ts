/**
 * Runs `task` with a signal that aborts when `signal` does or after `ms`, and
 * rejects at the deadline even if the task ignores its signal: a wait with no
 * way out is a hang.
 *
 * @example
 * await withTimeout(5_000, controller.signal, (signal) => fetch('/auth/me', { signal }));
 */
export function withTimeout<T>(ms: number, signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const stop = (reason: unknown) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      controller.abort(reason);
      reject(reason);
    };
    const onAbort = () => stop(signal.reason);
    const timer = setTimeout(
      () => stop(new DOMException(`Timed out after ${ms} ms`, 'TimeoutError')),
      ms,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    task(controller.signal).then(
      (value) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => stop(error),
    );
  });
}
