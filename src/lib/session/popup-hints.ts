import type { PopupClosedHint } from './sign-in-popup.ts';

/** Where the page reads the current popup hint: `useSyncExternalStore(hints.subscribe, hints.current)`. */
export interface PopupHints {
  /** Give this as `openSignInPopup`'s `onClosedHint`. */
  report: (hint: PopupClosedHint | null) => void;
  /** The hint of the sign-in under way, or null while its popup reads open (or none is under way). */
  current: () => PopupClosedHint | null;
  /** Calls `listener` when the hint changes. Returns an undo. */
  subscribe: (listener: () => void) => () => void;
}

/**
 * Keeps the sign-in popup's closed hint for the page that shows it: the
 * session's chart stays in `reauthenticating` while the popup only reads
 * closed, so the banner learns it here.
 *
 * @example
 * const hints = createPopupHints();
 * createTabSync({ validate, reauthenticate: ({ signal }) => openSignInPopup({ url, state, signal, onClosedHint: hints.report }) });
 */
export function createPopupHints(): PopupHints {
  let hint: PopupClosedHint | null = null;
  const listeners = new Set<() => void>();
  return {
    report: (next) => {
      hint = next;
      for (const listener of listeners) listener();
    },
    current: () => hint,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
