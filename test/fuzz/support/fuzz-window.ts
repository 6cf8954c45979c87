/**
 * The page's window, as far as the session listens to it: the fuzz runs in
 * node (no happy-dom: its fetch, Request and FormData are not the platform's
 * the client meets), so one run's `addEventListener` and `removeEventListener`
 * are put on `globalThis`, where the session's browser signals look for them
 * when the chart starts, and taken away when the run ends. The run then fires
 * the browser's own events (`offline`, `online`, `focus`, `pointerdown`) at
 * the session, through the listener it really added.
 */
export interface FuzzWindow {
  /** Fires one event, as the browser would. */
  dispatch(type: 'offline' | 'online' | 'focus' | 'pointerdown'): void;
  /** Listeners added and not removed. */
  listenerCount(): number;
  /** Puts back what `globalThis` had. */
  uninstall(): void;
}

type Listener = EventListenerOrEventListenerObject;
const names = ['addEventListener', 'removeEventListener'] as const;

/**
 * @example
 * const window = installFuzzWindow(); // before createAuthFetch
 * window.dispatch('offline');
 */
export function installFuzzWindow(): FuzzWindow {
  const target = new EventTarget();
  const added = new Set<string>();
  /** A number for each listener, so that one added and removed is known again (the DOM's own identity: type, listener, capture). */
  const listeners = new Map<Listener | null, number>();
  const idOf = (listener: Listener | null) => listeners.get(listener) ?? listeners.set(listener, listeners.size).size - 1;
  const key = (type: string, listener: Listener | null, options?: boolean | EventListenerOptions) =>
    `${type} ${typeof options === 'boolean' ? options : !!options?.capture} ${idOf(listener)}`;
  const own = {
    addEventListener(type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions) {
      added.add(key(type, listener, options));
      target.addEventListener(type, listener, options);
    },
    removeEventListener(type: string, listener: Listener | null, options?: boolean | EventListenerOptions) {
      added.delete(key(type, listener, options));
      target.removeEventListener(type, listener, options);
    },
  };
  const global = globalThis as unknown as Record<string, unknown>;
  const before = names.map((name) => [name, Object.getOwnPropertyDescriptor(global, name)] as const);
  for (const name of names) global[name] = own[name];
  return {
    dispatch: (type) => void target.dispatchEvent(new Event(type)),
    listenerCount: () => added.size,
    uninstall() {
      for (const [name, descriptor] of before) {
        if (descriptor) Object.defineProperty(global, name, descriptor);
        else delete global[name];
      }
    },
  };
}
