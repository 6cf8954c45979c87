/**
 * A signal that aborts when any of `signals` does, or after `ms`, a `restart` that gives it its whole `ms` again,
 * and a `dispose` that removes every listener and timer it added. AbortSignal.any keeps its listeners on the
 * sources for as long as they live (on Node 20, for good), and a timeout signal keeps its timer until it fires.
 *
 * @example
 * const { signal, dispose } = eitherSignal([callerSignal], 3_000);
 * try { await locks.request(name, { signal }, work); } finally { dispose(); }
 */
export function eitherSignal(
  signals: readonly AbortSignal[],
  ms?: number,
): { signal: AbortSignal; restart: () => void; dispose: () => void } {
  const controller = new AbortController();
  const abort = (reason: unknown) => {
    dispose();
    controller.abort(reason);
  };
  const onAbort = function (this: AbortSignal) {
    abort(this.reason);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const restart = () => {
    clearTimeout(timer);
    if (ms !== undefined) timer = setTimeout(() => abort(new DOMException('The wait timed out.', 'TimeoutError')), ms);
  };
  const dispose = () => {
    clearTimeout(timer);
    for (const signal of signals) signal.removeEventListener('abort', onAbort);
  };
  restart();
  for (const signal of signals) {
    if (signal.aborted) {
      abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', onAbort);
  }
  return { signal: controller.signal, restart, dispose };
}

/**
 * Resolves once `signal` aborts (at once if it has): a wait that ends with a signal, raced against other promises.
 *
 * @example
 * await Promise.race([word, abortOf(moment.signal)]);
 */
export const abortOf = (signal: AbortSignal): Promise<void> =>
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: an AbortSignal fires 'abort' once at most, so `once` changes nothing
  new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
