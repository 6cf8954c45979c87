import { useSelector } from '@xstate/react';
import { createContext, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AuthFetchClient } from '../lib/auth-fetch.ts';
import type { TokenStorage, User } from '../lib/auth-api.ts';
import { isAbortError } from '../lib/api-error.ts';
import { reauthProblemMessage } from '../lib/session-view.ts';

/** What `useAuth()` gives components. */
export interface AuthContextValue {
  /** The session client: its actor drives the banner. */
  session: AuthFetchClient;
  /** The signed-in user; the last known profile while it reloads or the session is expired. */
  user: User | null;
  /** A token is stored: the app is shown. An expired session stays signed in. */
  signedIn: boolean;
  /** The backend rejected the token: held requests wait for `refreshSession()`. */
  needsReauth: boolean;
  /** The first sign-in's popup is open. */
  signingIn: boolean;
  /** Why the last first sign-in did not finish (popup closed, blocked…), in plain words. */
  signInProblem: string | null;
  /** Opens the Google popup. Call it inside a click handler. */
  signIn: () => void;
  /** Re-runs Google sign-in for an expired session (the banner's button). Call it inside a click handler. */
  refreshSession: () => void;
  signOut: () => void;
}

/** The React context behind `useAuth()`; null outside an `AuthProvider`. */
export const AuthContext = createContext<AuthContextValue | null>(null);

/** What the provider is wired with, in main.tsx or a test. */
export interface AuthProviderProps {
  session: AuthFetchClient;
  tokens: TokenStorage;
  signInWithPopup: (args: { signal: AbortSignal }) => Promise<string>;
  /** Loads the profile through authFetch, so an expired session holds it rather than signing out. */
  loadUser: (args: { signal: AbortSignal }) => Promise<User>;
  children?: ReactNode;
}

/**
 * The React binding of the session. It never clears app state on expiry:
 * background validation puts the session in `needsReauth`, and the user stays.
 *
 * @example
 * <AuthProvider session={client} tokens={tokens} signInWithPopup={signInWithGooglePopup} loadUser={loadUser}>
 *   <SessionExpiredBanner />
 *   <Studio />
 * </AuthProvider>
 */
export function AuthProvider({ session, tokens, signInWithPopup, loadUser, children }: AuthProviderProps) {
  const [signedIn, setSignedIn] = useState(() => tokens.hasToken());
  const [user, setUser] = useState(() => tokens.getUser());
  const [signingIn, setSigningIn] = useState(false);
  const [signInProblem, setSignInProblem] = useState<string | null>(null);
  const needsReauth = useSelector(session.actor, (snapshot) => snapshot.matches('needsReauth'));
  const lifetime = useRef(new AbortController());

  useEffect(() => {
    const controller = new AbortController();
    lifetime.current = controller;
    return () => controller.abort();
  }, []);

  useEffect(() => {
    if (!signedIn) return;
    const controller = new AbortController();
    loadUser({ signal: controller.signal }).then(
      (loaded) => {
        tokens.setUser(loaded);
        setUser(loaded);
      },
      // Keep the last known profile: a failed refresh is no reason to hide who is signed in.
      (error: unknown) => {
        if (!isAbortError(error)) console.warn('Could not refresh the profile:', error);
      },
    );
    return () => controller.abort();
  }, [signedIn, loadUser, tokens]);

  const signIn = useCallback(() => {
    setSignInProblem(null);
    setSigningIn(true);
    // Synchronous call: the popup opens during the click.
    signInWithPopup({ signal: lifetime.current.signal })
      .then(
        (token) => {
          session.adoptToken(token);
          setSignedIn(true);
        },
        (error: unknown) => {
          if (!lifetime.current.signal.aborted) setSignInProblem(reauthProblemMessage(error instanceof Error ? error.name : 'Error', 'Sign in'));
        },
      )
      .finally(() => setSigningIn(false));
  }, [session, signInWithPopup]);

  const signOut = useCallback(() => {
    tokens.clear();
    setUser(null);
    setSignedIn(false);
  }, [tokens]);

  const value = useMemo<AuthContextValue>(
    () => ({
      session,
      user,
      signedIn,
      needsReauth,
      signingIn,
      signInProblem,
      signIn,
      refreshSession: session.reconnect,
      signOut,
    }),
    [session, user, signedIn, needsReauth, signingIn, signInProblem, signIn, signOut],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}
