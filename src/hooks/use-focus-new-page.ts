import { useLayoutEffect, useRef } from 'react';
import { focusFellToPage, focusPageHeading } from '../lib/page-focus.ts';

/**
 * When `page` changes (signed in, signed out, a link followed), focus goes to the new page's heading if the
 * pressed button went with the old page, or if it is still on the link that opened this one: a keyboard or
 * screen reader user is told where they are and tabs on from there, as after a page load. It never takes
 * focus from anything else, nor on the first render.
 *
 * @example
 * useFocusNewPage(signedIn ? path : null);
 */
export function useFocusNewPage(page: unknown): void {
  const shown = useRef(page);
  // Before paint: focus never rests on the page between the old page and the new one.
  useLayoutEffect(() => {
    if (shown.current === page) return;
    shown.current = page;
    const active = document.activeElement;
    const followed = active instanceof HTMLAnchorElement && active.pathname === globalThis.location.pathname;
    if (!focusFellToPage() && !followed) return;
    focusPageHeading();
  }, [page]);
}
