/** The part of `window` a watch listens on; `window` fits. */
type EventWindow = Pick<Window, 'addEventListener' | 'removeEventListener'>;

/** A watch of one value of the mock's store: `stop` ends it; `resync` takes the stored value as known (this tab wrote it). */
export interface StoredValueWatch {
  stop(): void;
  resync(): void;
}

/**
 * Follows one value of the mock's store when another tab changes it (localStorage's `storage` event): the store is
 * the origin's, shared by every tab. `onChange` hears the new value, never the same one again.
 *
 * @example
 * useEffect(() => watchStoredValue(() => store.tokenLifetimeSec(), setLifetime).stop, [store]);
 */
export function watchStoredValue<T>(read: () => T, onChange: (value: T) => void, target: EventWindow = window): StoredValueWatch {
  let known = read();
  // Any key of the mock's store fires `storage` (credits change on every Generate): act on a change of this one only.
  const onStorage = () => {
    const value = read();
    if (value === known) return;
    known = value;
    onChange(value);
  };
  target.addEventListener('storage', onStorage);
  return {
    stop: () => target.removeEventListener('storage', onStorage),
    resync: () => void (known = read()),
  };
}
