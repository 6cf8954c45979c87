import { useCallback, useEffect, useRef, useState } from 'react';
import { signInWithGooglePopup } from '../lib/auth-api.ts';
import { ReauthError, type PopupClosedHint } from '../lib/session/index.ts';
import { useAuth } from './use-auth.ts';

/** The popup the hook runs: `signInWithGooglePopup` unless a test gives another. */
type SignInPopup = (args: { signal: AbortSignal; onClosedHint?: (hint: PopupClosedHint | null) => void }) => Promise<string>;

/**
 * The first sign-in: opens the Google popup (call `signIn` inside the click),
 * then hands the token to the session. Says plainly why it did not finish;
 * `hint` is set while the popup reads closed (closed, or cut off by Google's
 * COOP), and its `reopen()` opens the popup again inside a click.
 *
 * @example
 * const { signIn, signingIn, problem, hint } = useGoogleSignIn();
 * <button onClick={signIn}>Sign in with Google</button>
 */
export function useGoogleSignIn(popup: SignInPopup = signInWithGooglePopup) {
  const { signedInWith } = useAuth();
  const [signingIn, setSigningIn] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [hint, setHint] = useState<PopupClosedHint | null>(null);
  const mounted = useRef<AbortController | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    mounted.current = controller;
    return () => controller.abort();
  }, []);

  const signIn = useCallback(() => {
    const signal = (mounted.current ??= new AbortController()).signal;
    setProblem(null);
    setSigningIn(true);
    // The executor runs now, so the popup opens during the click; a throw there (no crypto.randomUUID outside a
    // secure context, a window.open that throws) ends as a rejection, not a button left on "Signing in…".
    new Promise<string>((resolve) => resolve(popup({ signal, onClosedHint: setHint })))
      .then(signedInWith, (error: unknown) => {
        if (signal.aborted) return;
        // The popup errors speak to people; they name the banner's button, this page has its own.
        setProblem(
          error instanceof ReauthError
            ? error.message.replace('Reconnect', 'Sign in with Google')
            : 'Signing in did not finish. Try again.',
        );
      })
      .finally(() => setSigningIn(false));
  }, [popup, signedInWith]);

  return { signIn, signingIn, problem, hint };
}
