import { useSelector } from '@xstate/react';
import { createContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { AuthFetchClient } from '../lib/auth-fetch.ts';
import type { User } from '../lib/auth-api.ts';
import type { TokenStorage } from '../lib/token-storage.ts';
import { isTransientFailure, waitBeforeAsking } from '../lib/api-error.ts';
import { pageClock, type AppClock } from '../hooks/use-now.ts';
import { keepTabDraftsOf } from '../hooks/use-tab-draft.ts';
import type { PopupClosedHint, PopupHints } from '../lib/session/index.ts';

/** What `useAuth()` gives components. */
export interface AuthContextValue {
  /** The session client: its actor drives the banner. */
  session: AuthFetchClient;
  /** The signed-in user; the last known profile while it reloads or the session is expired. */
  user: User | null;
  /** Who is signed in (the token's `sub`; '' when it does not say), null when nobody is. */
  account: string | null;
  /**
   * Who is signed in, as the token names them (its `name`, else `email`): the words to show while `user` is null, as
   * after a reload offline before the profile ever came. Null when nobody is, or the token names no one.
   */
  tokenName: string | null;
  /**
   * Who is signed in at this instant, as authFetch reads the token: `account` is as of the last render,
   * and another tab's sign-in is stored a moment before its storage event renders it here.
   */
  accountNow: () => string | null;
  /** A token is stored: the app is shown. An expired session stays signed in; signing out in any tab signs out every tab. */
  signedIn: boolean;
  /** The backend rejected the token: held requests wait for `refreshSession()`. */
  needsReauth: boolean;
  /** A first sign-in produced `token`: adopt it and show the app. */
  signedInWith: (token: string) => void;
  /** Re-runs Google sign-in for an expired session (the banner's button). Call it inside a click handler. */
  refreshSession: () => void;
  /**
   * The re-auth popup reads closed and no answer has come: it may be closed, or only cut off by the provider's COOP.
   * Also a sign-in begun before a reload, whose window this page cannot see: its Try again signs in anew.
   */
  popupHint: PopupClosedHint | null;
  signOut: () => void;
  /** The clock the session runs on: countdowns read it. */
  clock: AppClock;
  /** The notice's "Not now", in every tab. */
  dismissReminder: () => void;
}

/** The React context behind `useAuth()`; null outside an `AuthProvider`. */
export const AuthContext = createContext<AuthContextValue | null>(null);

/** What the provider is wired with, in main.tsx or a test. */
export interface AuthProviderProps {
  session: AuthFetchClient;
  /**
   * The storage behind the session's getToken/setToken (main.tsx wires both to it): the provider
   * follows it, so a sign-in (the session stores the token) and a sign-out (`clear()`) show here.
   */
  tokens: TokenStorage;
  /** Loads the profile through authFetch, so an expired session holds it rather than signing out. */
  loadUser: (args: { signal: AbortSignal }) => Promise<User>;
  /** The clock the session was created with (default the page's): tests pass the session's `SimulatedClock`. */
  clock?: AppClock;
  /** Where the re-auth popup's closed hint is reported (main.tsx gives its `report` to the popup, and to a resumed sign-in). */
  popupHints?: PopupHints;
  /** The notice's "Not now": main.tsx gives tab sync's, which tells every tab (default: this tab's session only). */
  dismissReminder?: () => void;
  children?: ReactNode;
}

/** The profile asked again 2 s after a passing failure, then twice as late each time, to 30 s (as the session's own checks). */
const firstRetryMs = 2_000;
const longestRetryMs = 30_000;

/** No hints wired: never a hint. */
const noHints: PopupHints = { report: () => {}, current: () => null, subscribe: () => () => {} };

/**
 * The React binding of the session. It never clears app state on expiry:
 * background validation puts the session in `needsReauth`, and the user stays.
 *
 * @example
 * <AuthProvider session={client} tokens={tokens} loadUser={loadUser}>
 *   <SessionExpiredBanner />
 *   <Studio />
 * </AuthProvider>
 */
export function AuthProvider({
  session,
  tokens,
  loadUser,
  clock = pageClock,
  popupHints = noHints,
  dismissReminder,
  children,
}: AuthProviderProps) {
  // The stored token decides who is signed in, in this tab and the others: they share it.
  const account = useSyncExternalStore(tokens.subscribe, tokens.account);
  const signedIn = account !== null;
  const tokenName = useSyncExternalStore(tokens.subscribe, tokens.tokenName);
  // The profile with the account it is of: another account's is none, even in the render before the effect below runs.
  const [profile, setProfile] = useState(() => ({ account, user: tokens.getUser() }));
  const user = profile.account === account ? profile.user : null;
  const needsReauth = useSelector(session.actor, (snapshot) => snapshot.matches('needsReauth'));
  const popupHint = useSyncExternalStore(popupHints.subscribe, popupHints.current);

  /** Whether this tab's Sign out has ended the session itself: the effect's word is for another tab's. */
  const endedHere = useRef(false);
  const wasSignedIn = useRef(signedIn);
  useEffect(() => {
    const signedOutSince = wasSignedIn.current && !signedIn;
    wasSignedIn.current = signedIn;
    const ownSignOut = endedHere.current;
    endedHere.current = false;
    // The stored profile is none yet after another account signed in: never the last person's.
    setProfile({ account, user: signedIn ? tokens.getUser() : null });
    if (!signedIn) {
      // Signed out in another tab: requests held for that user are given up, never replayed with the next user's token.
      // Once only, and not after this tab's own (a call the sign-in page made since is no one's to give up).
      // Not once a token is stored again (this render came late): that is a newer session's.
      if (signedOutSince && !ownSignOut) session.endSession({ whileSignedOut: true });
      return;
    }
    // Another account's drafts are not this one's to get back. (Signed out in another tab: kept, the same account may come back.)
    keepTabDraftsOf(account);
    // Signed in, or another account signed in (here, or in another tab): its profile is loaded.
    const controller = new AbortController();
    let timer: unknown;
    let retryMs = firstRetryMs;
    // A failed refresh keeps the last known profile: no reason to hide who is signed in.
    const load = () =>
      loadUser({ signal: controller.signal }).then(
        (loaded) => {
          // Another tab may have signed in as someone else meanwhile (its storage event is still to come): not theirs.
          if (tokens.account() !== account) return;
          tokens.setUser(loaded);
          setProfile({ account, user: loaded });
        },
        (error: unknown) => {
          // A backend restarting (a gateway's 502) comes back by itself: asked again, each time later, not only after a reload.
          if (controller.signal.aborted || !isTransientFailure(error)) return;
          timer = clock.setTimeout(load, waitBeforeAsking(error, retryMs));
          retryMs = Math.min(retryMs * 2, longestRetryMs);
        },
      );
    void load();
    return () => {
      controller.abort();
      clock.clearTimeout(timer);
    };
  }, [account, signedIn, session, loadUser, tokens, clock]);

  const value = useMemo<AuthContextValue>(
    () => ({
      session,
      account,
      tokenName,
      accountNow: tokens.account,
      user,
      signedIn,
      needsReauth,
      // Stored by the session, which tells the token storage, which tells this provider.
      signedInWith: session.adoptToken,
      refreshSession: session.reconnect,
      popupHint,
      signOut: () => {
        // Held requests are given up before the token goes, not a render later (as the effect does for other tabs).
        session.endSession();
        endedHere.current = true;
        keepTabDraftsOf(null);
        tokens.clear();
      },
      clock,
      dismissReminder: dismissReminder ?? session.dismissReminder,
    }),
    [session, tokens, account, tokenName, user, signedIn, needsReauth, popupHint, clock, dismissReminder],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}
