import { useEffect, useState } from 'react';
import { exchangeGoogleCode } from '../lib/auth-api.ts';
import { completeGoogleSignIn } from '../lib/session/index.ts';

/** One completion per page load: StrictMode runs effects twice in dev, and a code is good for one exchange. */
let completion: Promise<string | null> | null = null;
/** What the surviving run of the effect does when the studio's receipt comes after the page said it did not answer. */
let lateReceipt: ((refused: string | null) => void) | null = null;

/**
 * `/auth/google/callback`, inside the sign-in popup: hands the token (or
 * Google's "cancelled") to the studio window that asked for it, and closes.
 */
export function GoogleCallback() {
  const [status, setStatus] = useState('Signing you in…');
  useEffect(() => {
    let cancelled = false;
    const done = (refused: string | null) => {
      if (cancelled) return;
      // Shown only if the browser keeps the window open: a cancel or a failure is no "Done".
      setStatus(
        refused === null
          ? 'Done. You can close this window.'
          : refused === 'access_denied'
            ? 'Signing in was cancelled. You can close this window.'
            : 'Signing in did not finish: the studio window says why. You can close this one.',
      );
      window.close();
    };
    // A studio tab frozen in the background (Android opens this popup as a tab) answers when it thaws: signed in after all.
    lateReceipt = done;
    const url = new URL(window.location.href);
    // The code is good once: no address left in the window, its history or a reload carries it (or the state).
    if (url.search) window.history.replaceState(window.history.state, '', url.pathname);
    completion ??= completeGoogleSignIn({
      url,
      opener: window.opener as Window | null,
      exchange: exchangeGoogleCode,
      onLateReceipt: (refused) => lateReceipt?.(refused),
    });
    completion.then(done, (error: unknown) => {
      if (!cancelled) setStatus(error instanceof Error ? error.message : String(error));
    });
    // Only the surviving run of the effect may close or report.
    return () => {
      cancelled = true;
    };
  }, []);
  return (
    <main className="popup-page">
      <h1>Quiet Session studio</h1>
      <p role="status">{status}</p>
    </main>
  );
}
