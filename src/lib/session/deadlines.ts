import { eitherSignal } from './either-signal.ts';

/**
 * Waits on another tab that end once `ms` pass without a word from it (or once one of their `signals` aborts):
 * `start` begins one, `restartAll` is the word, which gives every live one its whole `ms` again. A tab that is
 * still at it is waited for; a frozen one is not.
 *
 * @example
 * const patience = createDeadlines(3_000);
 * channel.onmessage = () => patience.restartAll(); // "still at it"
 * const wait = patience.start();
 * try { await locks.request(name, { signal: wait.signal }, work); } finally { wait.dispose(); }
 */
export function createDeadlines(ms: number): {
  start(signals?: readonly AbortSignal[]): { signal: AbortSignal; dispose(): void };
  restartAll(): void;
} {
  const live = new Set<() => void>();
  return {
    start(signals = []) {
      const wait = eitherSignal(signals, ms);
      live.add(wait.restart);
      return {
        signal: wait.signal,
        dispose() {
          live.delete(wait.restart);
          wait.dispose();
        },
      };
    },
    restartAll() {
      for (const restart of live) restart();
    },
  };
}
