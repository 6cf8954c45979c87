// A router small enough to read (location, the History API, a custom event): no dependency for two routes.

const changeEvent = 'quiet-session:navigate';

/**
 * Goes to `path` without reloading the page.
 *
 * @example
 * navigate('/admin/batches');
 */
export function navigate(path: string): void {
  if (path === globalThis.location.pathname + globalThis.location.search) return;
  globalThis.history.pushState(null, '', path);
  globalThis.dispatchEvent(new Event(changeEvent));
}

/**
 * Calls `listener` on every path change (links and the back button).
 * Returns the unsubscribe.
 *
 * @example
 * const stop = subscribeToPath(() => render(location.pathname));
 */
export function subscribeToPath(listener: () => void): () => void {
  globalThis.addEventListener('popstate', listener);
  globalThis.addEventListener(changeEvent, listener);
  return () => {
    globalThis.removeEventListener('popstate', listener);
    globalThis.removeEventListener(changeEvent, listener);
  };
}
