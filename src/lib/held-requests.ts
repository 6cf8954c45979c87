/**
 * The callers waiting on held requests, by id. The machine owns the queue of
 * held requests (data); this registry owns the matching promises, which are
 * not data and stay out of the machine's context.
 */
export interface HeldRequests {
  /** Waits until `settle(id)`; on abort, rejects with the signal's reason and calls `onAbort`. */
  wait(id: string, signal: AbortSignal, onAbort: () => void): Promise<void>;
  /** Lets the waiter go, or rejects it with `error`. Unknown ids are ignored. */
  settle(id: string, error?: Error): void;
  /** Rejects every waiter. */
  settleAll(makeError: () => Error): void;
}

/**
 * @example
 * const held = createHeldRequests();
 * const released = held.wait('r1', new AbortController().signal, () => {});
 * held.settle('r1'); await released;
 */
export function createHeldRequests(): HeldRequests {
  const waiters = new Map<string, (error?: Error) => void>();
  return {
    wait(id, signal, onAbort) {
      return new Promise<void>((resolve, reject) => {
        const abort = () => {
          settle(signal.reason);
          onAbort();
        };
        const settle = (error?: unknown) => {
          waiters.delete(id);
          signal.removeEventListener('abort', abort);
          if (error === undefined) resolve();
          else reject(error);
        };
        signal.addEventListener('abort', abort, { once: true });
        waiters.set(id, settle);
      });
    },
    settle: (id, error) => waiters.get(id)?.(error),
    settleAll(makeError) {
      for (const settle of [...waiters.values()]) settle(makeError());
    },
  };
}
