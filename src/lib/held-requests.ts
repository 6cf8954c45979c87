/**
 * The callers waiting on held requests, by id. The machine owns the queue of
 * held requests (data); this registry owns the matching promises, which are
 * not data and stay out of the machine's context.
 */
export interface HeldRequests {
  /** Waits until `release(id)`; rejects with the signal's reason on abort, with `reason` on `rejectAll`. */
  wait(id: string, signal: AbortSignal | null, onAbort: () => void): Promise<void>;
  release(id: string): void;
  /** Rejects one waiter with `error`. */
  reject(id: string, error: Error): void;
  rejectAll(makeError: () => Error): void;
  readonly size: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

/**
 * @example
 * const held = createHeldRequests();
 * const p = held.wait('r1', null, () => {}); held.release('r1'); await p;
 */
export function createHeldRequests(): HeldRequests {
  const waiters = new Map<string, Waiter>();
  return {
    wait(id, signal, onAbort) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const abort = () => {
          waiters.delete(id);
          onAbort();
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', abort, { once: true });
        waiters.set(id, { resolve, reject, cleanup: () => signal?.removeEventListener('abort', abort) });
      });
    },
    release(id) {
      const waiter = waiters.get(id);
      if (!waiter) return;
      waiters.delete(id);
      waiter.cleanup();
      waiter.resolve();
    },
    reject(id, error) {
      const waiter = waiters.get(id);
      if (!waiter) return;
      waiters.delete(id);
      waiter.cleanup();
      waiter.reject(error);
    },
    rejectAll(makeError) {
      for (const waiter of waiters.values()) {
        waiter.cleanup();
        waiter.reject(makeError());
      }
      waiters.clear();
    },
    get size() {
      return waiters.size;
    },
  };
}
