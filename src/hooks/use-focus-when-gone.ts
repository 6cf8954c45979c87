import { useEffect, useRef } from 'react';

/**
 * When a control stops showing (`shown` turns false) and focus has fallen to the page with it (the pressed button
 * went away), focus goes to `next()`: what the press brought. Otherwise the keyboard starts again from the top. It
 * never takes focus from anything else.
 *
 * @example
 * useFocusWhenGone(offerTryAgain, () => problemRef.current ?? tableRef.current);
 */
export function useFocusWhenGone(shown: boolean, next: () => HTMLElement | null): void {
  const wasShown = useRef(shown);
  const latestNext = useRef(next);
  latestNext.current = next;
  useEffect(() => {
    const gone = wasShown.current && !shown;
    wasShown.current = shown;
    if (!gone || (document.activeElement !== document.body && document.activeElement !== null)) return;
    const target = latestNext.current();
    if (!target) return;
    // Focusable from script only: not a Tab stop of its own.
    if (target.tabIndex < 0 && !target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus();
  }, [shown]);
}
