import { useEffect } from 'react';

/** The app's name, after the page's in each title: what the tab strip cuts short is the app, not the page. */
const appName = 'Quiet Session studio';

/**
 * Names the page shown in the document's title, "Batches — Quiet Session studio": the tab strip, the history
 * and a screen reader (on a switch of tabs) say which page it is, as separate pages' titles would.
 *
 * @example
 * useDocumentTitle(signedIn ? 'Studio' : 'Sign in');
 */
export function useDocumentTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} — ${appName}`;
  }, [page]);
}
