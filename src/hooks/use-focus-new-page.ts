import { useEffect, useRef } from 'react';

/**
 * When `page` changes (signed in, signed out) and the pressed button went with the old page, focus goes to
 * the new page's heading: a keyboard or screen reader user is told where they are and tabs on from there,
 * not from the top of the document. It never takes focus from anything else, nor on the first render.
 *
 * @example
 * useFocusNewPage(signedIn);
 */
export function useFocusNewPage(page: unknown): void {
  const shown = useRef(page);
  useEffect(() => {
    if (shown.current === page) return;
    shown.current = page;
    if (document.activeElement !== document.body && document.activeElement !== null) return;
    const heading = document.querySelector<HTMLElement>('main h1');
    if (!heading) return;
    // Focusable from script only: not a Tab stop of its own.
    heading.tabIndex = -1;
    heading.focus();
  }, [page]);
}
