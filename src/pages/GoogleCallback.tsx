import { useEffect, useRef, useState } from 'react';
import { exchangeGoogleCode } from '../lib/auth-api.ts';
import { completeGoogleSignIn } from '../lib/session/index.ts';

/**
 * `/auth/google/callback`, inside the sign-in popup: hands the token to the
 * studio window and closes.
 *
 * @example
 * <GoogleCallback />
 */
export function GoogleCallback() {
  const [problem, setProblem] = useState<string | null>(null);
  // A Google code is good once: StrictMode's second run of the effect must not send it again.
  const signIn = useRef<Promise<void> | null>(null);
  useEffect(() => {
    let cancelled = false;
    signIn.current ??= completeGoogleSignIn({ url: new URL(window.location.href), opener: window.opener as Window | null, exchange: exchangeGoogleCode });
    signIn.current.then(
      () => {
        if (!cancelled) window.close();
      },
      (error: unknown) => {
        if (!cancelled) setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    // StrictMode runs effects twice in dev: only the surviving run may close or report.
    return () => {
      cancelled = true;
    };
  }, []);
  return (
    <main className="popup-page">
      <h1>Quiet Session studio</h1>
      <p role="status">{problem ?? 'Signing you in…'}</p>
    </main>
  );
}
