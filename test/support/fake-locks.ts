import type { TabLocks } from '../../src/lib/session/tab-sync.ts';

/**
 * An exclusive Web Locks manager for one process, shared by the "tabs" of a
 * test (Node 20 has BroadcastChannel but no navigator.locks). Requests are
 * granted in order; `ifAvailable` gets null when held; an aborted waiter
 * rejects with the signal's reason. The browser tests use Chromium's own.
 */
export function createFakeLocks(): TabLocks & { held: Set<string> } {
  const held = new Set<string>();
  const waiting = new Map<string, Array<() => void>>();
  const release = (name: string) => {
    const next = waiting.get(name)?.shift();
    if (next) next();
    else held.delete(name);
  };
  return {
    held,
    request(name, options, grant) {
      if (options.ifAvailable && held.has(name)) return Promise.resolve(grant(null));
      return new Promise((resolve, reject) => {
        const run = () => {
          options.signal?.removeEventListener('abort', abort);
          Promise.resolve()
            .then(() => grant({ name }))
            .then(resolve, reject)
            .finally(() => release(name));
        };
        const abort = () => {
          const queue = waiting.get(name) ?? [];
          const at = queue.indexOf(run);
          if (at >= 0) queue.splice(at, 1);
          reject(options.signal!.reason);
        };
        if (options.signal?.aborted) return reject(options.signal.reason);
        options.signal?.addEventListener('abort', abort, { once: true });
        if (held.has(name)) waiting.set(name, [...(waiting.get(name) ?? []), run]);
        else {
          held.add(name);
          run();
        }
      });
    },
  };
}
