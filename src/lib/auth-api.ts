// The backend's sign-in API: the token checked, traded for and fetched through the popup (with token-storage.ts, all
// that touches the token outside authFetch; test/app/no-raw-token-fetch.test.ts checks no other module does).
import { authFetch } from './auth-fetch.ts';
import { apiBaseUrl, apiUrl, mockConsentUrl, mocksEnabled } from './app-config.ts';
import { readJson } from './api-error.ts';
import { codeVerifierOf, forgetCodeVerifier, rememberCodeVerifier } from './code-verifier-store.ts';
import { codeChallengeOf, createCodeVerifier } from './pkce.ts';
import { createSignInState, openSignInPopup, type PopupClosedHint } from './session/index.ts';

// Re-exported so that API modules import their fetch from the auth module, as the seed did.
export { authFetch };

/** The signed-in user, as FastAPI's `/auth/me` returns it. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
}

/**
 * The validator behind authFetch: asks `/auth/me` with `token` directly (not
 * through authFetch, which would hold its own 401). The user, null on 401,
 * and a rejection on anything else: the session waits for the network on
 * fetch's TypeError, and asks again after a server error (ApiError).
 *
 * @example
 * createAuthFetch({ validate: async (args) => (await getCurrentUser(args)) !== null, ... });
 */
export async function getCurrentUser(args: { token: string | null; signal?: AbortSignal }): Promise<User | null> {
  if (args.token === null) return null;
  const response = await fetch(apiUrl('/auth/me'), { headers: { Authorization: `Bearer ${args.token}` }, signal: args.signal });
  if (response.status === 401) {
    // Its body is read by nobody: let go now, not kept open (a connection, a stream) until collected.
    void response.body?.cancel().catch(() => {});
    return null;
  }
  return readJson<User>(response, 'Checking the session');
}

/**
 * The signed-in user through authFetch: on an expired session the call is
 * held and the banner asks to reconnect; it never resolves to "signed out".
 *
 * @example
 * const user = await loadUser({ signal });
 */
export async function loadUser(args: { signal?: AbortSignal } = {}): Promise<User> {
  return readJson<User>(await authFetch(apiUrl('/auth/me'), { signal: args.signal }), 'Loading your profile');
}

/**
 * The callback page's half of Google sign-in: trades the authorization code
 * for the backend's access token. The backend checks `state` too: it must be
 * the one this sign-in started with, and is good once; and the PKCE verifier
 * this browser kept for it, which no log holds. A gateway's own 502-504
 * rejects with an error caused by a TypeError: the server was not reached, as
 * when fetch's own TypeError says so.
 *
 * @example
 * const query = new URLSearchParams(location.search);
 * const token = await exchangeGoogleCode(query.get('code')!, query.get('state')!);
 */
export async function exchangeGoogleCode(code: string, state: string, args: { signal?: AbortSignal } = {}): Promise<string> {
  const response = await fetch(apiUrl('/auth/google/callback'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // No verifier kept: a sign-in started without PKCE (storage blocked), or one this browser did not start, which the backend refuses.
    body: JSON.stringify({ code, state, code_verifier: codeVerifierOf(state) ?? undefined }),
    signal: args.signal,
  });
  // A gateway's own page (nginx's HTML 502 in a deploy), not FastAPI's JSON: unreached, said as fetch's TypeError is, by a cause.
  if (response.status >= 502 && response.status <= 504 && !response.headers.get('content-type')?.includes('json')) {
    const unreached = new TypeError(`The gateway answered ${response.status}: the studio's server was not reached.`);
    throw new Error(`Signing in with Google failed (${response.status}): the studio's server could not be reached.`, { cause: unreached });
  }
  const { access_token } = await readJson<{ access_token: string }>(response, 'Signing in with Google');
  forgetCodeVerifier(state);
  return access_token;
}

/**
 * Google sign-in in a popup, for the first sign-in and for re-auth. Opens the
 * window synchronously: call it inside the click handler. `onClosedHint`
 * hears when the popup reads closed before an answer came (see openSignInPopup).
 *
 * @example
 * createAuthFetch({ reauthenticate: ({ signal }) => signInWithGooglePopup({ signal, onClosedHint: hints.report }), ... });
 */
export function signInWithGooglePopup(
  args: { signal?: AbortSignal; onClosedHint?: (hint: PopupClosedHint | null) => void } = {},
): Promise<string> {
  const state = createSignInState();
  const verifier = createCodeVerifier();
  // For the callback page, which may have no opener to ask: same origin, so the same localStorage. None there
  // (cookies blocked): a sign-in without PKCE, as the backend takes from such a browser, rather than none at all.
  const challenge = rememberCodeVerifier(state, verifier) ? codeChallengeOf(verifier) : null;
  // No page (a worker, a server render): no URL to build, and openSignInPopup rejects saying why it cannot sign in here.
  const url = globalThis.location ? googleSignInUrl(globalThis.location.origin, state, challenge) : 'about:blank';
  const signedIn = openSignInPopup({
    url,
    state,
    signal: args.signal,
    // Try again gives the popup and the backend's state their whole time again: the verifier, too, is kept as new.
    onClosedHint: args.onClosedHint && ((hint) => args.onClosedHint?.(hint && { reopen: () => keptAnew(state, verifier, hint) })),
    // The popup's first page is the backend's: when it is down, say so now, not after the popup's two minutes.
    ...(!mocksEnabled() && { checkServer: reachBackend }),
  });
  // Over, however it ended: no verifier outlives its sign-in (one whose tab reloaded goes after the state's 10 minutes).
  void signedIn.then(
    () => forgetCodeVerifier(state),
    () => forgetCodeVerifier(state),
  );
  return signedIn;
}

/** `hint`'s reopen, the verifier of `state` first kept as if new, so that no tidying of old ones drops it meanwhile. */
function keptAnew(state: string, verifier: string, hint: PopupClosedHint): void {
  if (codeVerifierOf(state) === verifier) rememberCodeVerifier(state, verifier);
  hint.reopen();
}

/**
 * Any answer of the backend's says it is up; fetch's TypeError, that it is not. A simple CORS GET, as every call of
 * the app's: `no-cors` would be refused by a `Cross-Origin-Resource-Policy: same-origin` and read as down for good.
 * `/auth/me` asked too before saying down: a gateway that does not route `/health` must not keep everyone out.
 */
const reachBackend = (signal: AbortSignal) =>
  fetch(apiUrl('/health'), { cache: 'no-store', signal }).catch(() => fetch(apiUrl('/auth/me'), { cache: 'no-store', signal }));

/** The popup's first page for the sign-in `state` and its PKCE `challenge` (if any), coming back to the page's `origin`. */
function googleSignInUrl(origin: string, state: string, challenge: string | null): string {
  // Google sends the popup back to our callback page, which hands the token over.
  const query = new URLSearchParams({
    state,
    redirect_uri: `${origin}/auth/google/callback`,
    ...(challenge && { code_challenge: challenge, code_challenge_method: 'S256' }),
  });
  // With the mock backend the popup opens a consent page that plays Google.
  const start = mocksEnabled() ? mockConsentUrl() : `${apiBaseUrl()}/auth/google/login`;
  return `${start}?${query}`;
}
