/**
 * The callers waiting on held requests, by id. The machine owns the queue of
 * held requests (data); this registry owns the matching promises, which are
 * not data and stay out of the machine's context.
 */
export interface HeldRequests {
  /** Waits until `settle(id)`. When `signal` aborts first: rejects with its reason and reports the id to `onAbort`. */
  wait(id: string, signal?: AbortSignal | null): Promise<void>;
  /** Lets the waiter go, or rejects it with `error`. Unknown ids are ignored. */
  settle(id: string, error?: unknown): void;
  /** Rejects every waiter. */
  settleAll(makeError: () => Error): void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal | null;
  abort?: () => void;
}

/**
 * One small record per waiter, and an abort listener only for a request that
 * has a signal: thousands of requests can be held at once.
 *
 * @example
 * const held = createHeldRequests((id) => console.log('aborted', id));
 * const released = held.wait('r1');
 * held.settle('r1'); await released;
 */
export function createHeldRequests(onAbort: (id: string) => void): HeldRequests {
  const waiters = new Map<string, Waiter>();
  const settle = (id: string, error?: unknown) => {
    const waiter = waiters.get(id);
    if (!waiter) return;
    waiters.delete(id);
    waiter.signal?.removeEventListener('abort', waiter.abort!);
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
  };
  const listen = (id: string, waiter: Waiter, signal: AbortSignal) => {
    waiter.abort = () => {
      settle(id, signal.reason);
      onAbort(id);
    };
    signal.addEventListener('abort', waiter.abort, { once: true });
  };
  return {
    wait: (id, signal) =>
      new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, signal };
        if (signal) listen(id, waiter, signal);
        waiters.set(id, waiter);
      }),
    settle,
    settleAll(makeError) {
      // Map.forEach visits each entry once even as settle deletes it.
      waiters.forEach((_, id) => settle(id, makeError()));
    },
  };
}
