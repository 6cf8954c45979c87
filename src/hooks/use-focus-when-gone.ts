import { useLayoutEffect, useRef } from 'react';
import { focusFellToPage, focusFromScript } from '../lib/page-focus.ts';

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
  // Before paint: focus never rests on the page between the control going and its return.
  useLayoutEffect(() => {
    const gone = wasShown.current && !shown;
    wasShown.current = shown;
    if (!gone || !focusFellToPage()) return;
    const target = latestNext.current();
    if (target) focusFromScript(target);
  }, [shown]);
}
