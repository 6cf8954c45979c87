import { useCallback, useEffect, useRef, useState } from 'react';
import { signInWithGooglePopup } from '../lib/auth-api.ts';
import { ReauthError } from '../lib/session/index.ts';
import { useAuth } from './use-auth.ts';

/**
 * The first sign-in: opens the Google popup (call `signIn` inside the click),
 * then hands the token to the session. Says plainly why it did not finish.
 *
 * @example
 * const { signIn, signingIn, problem } = useGoogleSignIn();
 * <button onClick={signIn}>Sign in with Google</button>
 */
export function useGoogleSignIn(popup: (args: { signal: AbortSignal }) => Promise<string> = signInWithGooglePopup) {
  const { signedInWith } = useAuth();
  const [signingIn, setSigningIn] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
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
    // Synchronous call: the popup opens during the click.
    popup({ signal })
      .then(signedInWith, (error: unknown) => {
        if (signal.aborted) return;
        // The popup errors speak to people; they name the banner's button, this page has its own.
        setProblem(error instanceof ReauthError ? error.message.replace('Reconnect', 'Sign in') : 'Signing in did not finish. Try again.');
      })
      .finally(() => setSigningIn(false));
  }, [popup, signedInWith]);

  return { signIn, signingIn, problem };
}
