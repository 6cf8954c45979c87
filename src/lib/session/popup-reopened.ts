/** Who hears that Try again opened a new popup, by the signal the session gave its `reauthenticate`. */
const listeners = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` whenever a popup that was given `signal` is opened again in the same sign-in (the hint's
 * Try again): the session restarts its deadline, tab sync tells the other tabs. Returns an undo.
 *
 * @example
 * onPopupReopened(signal, () => actor.send({ type: 'reauth.reopened' }));
 */
export function onPopupReopened(signal: AbortSignal, listener: () => void): () => void {
  const set = listeners.get(signal) ?? new Set();
  listeners.set(signal, set);
  set.add(listener);
  // Stryker disable next-line ArrowFunction: tidiness only: undone as its sign-in settles or its signal aborts, when none of its popups can reopen
  return () => void set.delete(listener);
}

/** openSignInPopup's reopen: the time of the sign-in given `signal` starts again, wherever it is counted. */
export function popupReopened(signal: AbortSignal | undefined): void {
  // Stryker disable next-line ConditionalExpression: a signal's abort settles its sign-in first, and a settled one never reopens; no signal has no listeners
  if (!signal || signal.aborted) return;
  for (const listener of listeners.get(signal) ?? []) listener();
}
