import type { MockStore } from './mock-store.ts';

/** The part of the store the watch reads. */
export type TokenLifetimeStore = Pick<MockStore, 'tokenLifetimeSec'>;

/** The part of `window` the watch listens on; `window` fits. */
type EventWindow = Pick<Window, 'addEventListener' | 'removeEventListener'>;

/**
 * Follows the mock backend's token lifetime when another tab sets it (localStorage's
 * `storage` event): the store is the origin's, so every tab's next sign-in gets that
 * lifetime, and `onChange` can show it. Returns the undo.
 *
 * @example
 * useEffect(() => watchTokenLifetime(store, (seconds) => setLifetime(String(seconds))), [store]);
 */
export function watchTokenLifetime(
  store: TokenLifetimeStore,
  onChange: (seconds: number) => void,
  target: EventWindow = window,
): () => void {
  let known = store.tokenLifetimeSec();
  // Any key of the mock's store fires `storage` (credits change on every Generate): act on a change of this one only.
  const onStorage = () => {
    const seconds = store.tokenLifetimeSec();
    if (seconds === known) return;
    known = seconds;
    onChange(seconds);
  };
  target.addEventListener('storage', onStorage);
  return () => target.removeEventListener('storage', onStorage);
}
