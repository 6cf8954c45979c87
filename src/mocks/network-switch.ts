import type { MockStore } from './mock-store.ts';
import { watchStoredValue } from './stored-value-watch.ts';

/** The part of the store the switch turns. */
export type NetworkSwitchStore = Pick<MockStore, 'networkDown' | 'setNetworkDown'>;

/** The part of `window` the switch talks to; `window` fits. */
type EventWindow = Pick<Window, 'addEventListener' | 'removeEventListener' | 'dispatchEvent'>;

/**
 * Takes the mock backend's network down or brings it back, and tells the page
 * as the browser would (`offline` / `online` on window), so that a session
 * waiting offline retries at once when the network is back.
 *
 * @example
 * switchMockNetwork(store, true); // every backend call now fails like a dropped connection
 */
export function switchMockNetwork(store: NetworkSwitchStore, down: boolean, target: EventWindow = window): void {
  store.setNetworkDown(down);
  target.dispatchEvent(new Event(down ? 'offline' : 'online'));
}

/**
 * Follows the switch when another tab turns it (localStorage's `storage`
 * event): a real outage reaches every tab at once, so this tab hears
 * `offline` / `online` too, and `onChange` can update a label. Returns the undo.
 *
 * @example
 * useEffect(() => watchMockNetwork(store, setDown), [store]);
 */
export function watchMockNetwork(store: NetworkSwitchStore, onChange: (down: boolean) => void, target: EventWindow = window): () => void {
  const watch = watchStoredValue(
    () => store.networkDown(),
    (down) => {
      target.dispatchEvent(new Event(down ? 'offline' : 'online'));
      onChange(down);
    },
    target,
  );
  // This tab's own switch fires no `storage` here, only `offline` / `online`: keep the watch true to the store.
  target.addEventListener('online', watch.resync);
  target.addEventListener('offline', watch.resync);
  return () => {
    watch.stop();
    target.removeEventListener('online', watch.resync);
    target.removeEventListener('offline', watch.resync);
  };
}
