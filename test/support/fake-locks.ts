import type { TabLocks } from '../../src/lib/session/tab-sync.ts';

/** The fake lock manager: `held` names the locks held now; `query` also lists the requests queued (`pending`), as Web Locks does. */
export interface FakeLocks extends TabLocks {
  held: Set<string>;
  query(): Promise<{ held: Array<{ name: string }>; pending: Array<{ name: string }> }>;
}

/**
 * An exclusive Web Locks manager for one process, shared by the "tabs" of a
 * test (Node 20 has BroadcastChannel but no navigator.locks). Requests are
 * granted in order; `ifAvailable` gets null when held; an aborted waiter
 * rejects with the signal's reason; `steal` is granted at once and the
 * holder's request rejects with an AbortError while its callback runs on, as
 * the spec says; `query` lists what is held and what waits. The browser tests use Chromium's own.
 * With `grantInTask`, a granted lock's callback runs a task later, as in browsers (a microtask
 * later otherwise): an abort in between no longer counts, for the lock is granted.
 */
export function createFakeLocks(options: { grantInTask?: boolean } = {}): FakeLocks {
  const later = options.grantInTask ? () => new Promise((resolve) => setTimeout(resolve)) : () => Promise.resolve();
  const held = new Set<string>();
  /** Per name, the current holder's way to be told it was stolen from. */
  const holders = new Map<string, { stolen: () => void }>();
  const waiting = new Map<string, Array<() => void>>();
  const release = (name: string) => {
    holders.delete(name);
    held.delete(name);
    waiting.get(name)?.shift()?.();
  };
  return {
    held,
    request(name, options, grant) {
      return new Promise((resolve, reject) => {
        const run = () => {
          options.signal?.removeEventListener('abort', abort);
          const holder = {
            stolen: () => reject(new DOMException("Lock broken by another request with the 'steal' option.", 'AbortError')),
          };
          holders.set(name, holder);
          held.add(name);
          later()
            .then(() => grant({ name }))
            .then(resolve, reject)
            // Stolen from: the lock is someone else's now, not ours to release.
            .finally(() => holders.get(name) === holder && release(name));
        };
        const abort = () => {
          const queue = waiting.get(name) ?? [];
          const at = queue.indexOf(run);
          if (at >= 0) queue.splice(at, 1);
          reject(options.signal!.reason);
        };
        if (options.signal?.aborted) return reject(options.signal.reason);
        if (options.steal) {
          holders.get(name)?.stolen();
          return run();
        }
        if (options.ifAvailable && held.has(name))
          return void Promise.resolve()
            .then(() => grant(null))
            .then(resolve, reject);
        options.signal?.addEventListener('abort', abort, { once: true });
        if (held.has(name)) waiting.set(name, [...(waiting.get(name) ?? []), run]);
        else run();
      });
    },
    query: async () => ({
      held: [...held].map((name) => ({ name })),
      pending: [...waiting].flatMap(([name, queue]) => queue.map(() => ({ name }))),
    }),
  };
}
