/**
 * The callers waiting on held requests, by id. The machine owns the queue of
 * held requests (data); this registry owns the matching promises, which are
 * not data and stay out of the machine's context.
 */
export interface HeldRequests {
  /**
   * Waits until `settle(id)`, then (a microtask later) resolves with what `then(arg)` returns.
   * When `signal` aborts first: rejects with its reason and reports the id to `onAbort`.
   * (`then` and `arg` apart, so that a shared function serves every waiter: no closure per held call.)
   */
  wait<A, T>(id: string, signal: AbortSignal | null | undefined, then: (arg: A) => Promise<T>, arg: A): Promise<T>;
  /** Lets the waiter go, or rejects it with `error`. Unknown ids are ignored. */
  settle(id: string, error?: unknown): void;
}

interface Waiter {
  resolve: (value: Promise<unknown>) => void;
  then: (arg: unknown) => Promise<unknown>;
  arg: unknown;
  reject: (error: unknown) => void;
  signal?: AbortSignal | null;
  abort?: () => void;
}

/**
 * One small record per waiter, and an abort listener only for a request that
 * has a signal (the executor's scope is dropped otherwise): thousands of
 * requests can be held at once.
 *
 * @example
 * const held = createHeldRequests((id) => console.log('aborted', id));
 * const answered = held.wait('r1', undefined, async (path) => `sent ${path}`, '/api/credits');
 * held.settle('r1'); await answered; // 'sent /api/credits'
 */
export function createHeldRequests(onAbort: (id: string) => void): HeldRequests {
  const waiters = new Map<string, Waiter>();
  const settle = (id: string, error?: unknown) => {
    const waiter = waiters.get(id);
    if (!waiter) return;
    waiters.delete(id);
    waiter.signal?.removeEventListener('abort', waiter.abort!);
    // `then` runs a microtask later, never inside the caller of settle (the chart's replay action, mid-transition).
    if (error === undefined) waiter.resolve(Promise.resolve().then(() => waiter.then(waiter.arg)));
    else waiter.reject(error);
  };
  return {
    wait: <A, T>(id: string, signal: AbortSignal | null | undefined, then: (arg: A) => Promise<T>, arg: A) =>
      new Promise<T>((resolve, reject) => {
        const waiter: Waiter = { resolve: resolve as Waiter['resolve'], reject, signal, then: then as Waiter['then'], arg };
        if (signal) {
          waiter.abort = () => {
            settle(id, signal.reason);
            onAbort(id);
          };
          // An abort event fires once at most; settle removes the listener before that.
          signal.addEventListener('abort', waiter.abort);
        }
        waiters.set(id, waiter);
      }),
    settle,
  };
}
