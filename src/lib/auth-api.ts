// All that touches the token outside authFetch (test/app/no-raw-token-fetch.test.ts checks no other module does).
import { authFetch } from './auth-fetch.ts';
import { apiBaseUrl, apiUrl, mockConsentUrl, mocksEnabled } from './app-config.ts';
import { readJson } from './api-error.ts';
import { createSignInState, lastTokenClaims, openSignInPopup, type PopupClosedHint } from './session/index.ts';

// Re-exported so that API modules import their fetch from the auth module, as the seed did.
export { authFetch };

/** The signed-in user, as FastAPI's `/auth/me` returns it. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
}

/** Where the token and the (non-secret) profile of the signed-in user are kept. */
export interface TokenStorage {
  /**
   * Who is signed in, without handing the token out: the token's `sub` claim
   * ('' when the token does not say), null when nobody is. AuthContext loads
   * the profile again when it changes.
   */
  account(): string | null;
  getToken(): string | null;
  setToken(token: string): void;
  /**
   * The last known profile, so that a reload renders at once, even while the session is expired.
   * Null once a token of another account is set: never the previous person's.
   */
  getUser(): User | null;
  setUser(user: User): void;
  clear(): void;
  /**
   * Calls `listener` when the token is set or cleared, in this tab or, through
   * the browser's `storage` event, in another tab of the app. Returns an undo.
   * AuthContext depends on it: a storage of your own must call its listeners
   * from `setToken` and `clear`.
   */
  subscribe(listener: () => void): () => void;
}

const tokenKey = 'quiet-session.token';
const userKey = 'quiet-session.user';
/** Where a sign-out is told to the other tabs: removing a key the storage never held fires no `storage` event. */
const signOutChannel = 'quiet-session.signed-out';

type ItemStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The page's localStorage, or none where reading it throws (cookies blocked: SecurityError) or there is none (Node). */
function pageStorage(): ItemStorage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * `storage`, and what it will not take (full: QuotaExceededError; refused; none) kept in this tab's memory in its
 * place, a removal as null: a sign-in that worked is not lost to a full storage, nor a sign-out kept from happening.
 */
function withMemory(storage: ItemStorage | undefined): ItemStorage & { forget(key: string | null): void } {
  const memory = new Map<string, string | null>();
  const keep = (key: string, value: string | null, write: () => void) => {
    try {
      write();
      memory.delete(key);
    } catch {
      memory.set(key, value);
    }
  };
  return {
    getItem: (key) => (memory.has(key) ? memory.get(key)! : (storage?.getItem(key) ?? null)),
    setItem: (key, value) => keep(key, value, () => storage!.setItem(key, value)),
    removeItem: (key) => keep(key, null, () => storage!.removeItem(key)),
    // Another tab wrote `key` (null: cleared all): the storage's word is newer than this tab's, a sign-out above all.
    forget: (key) => void (key === null ? memory.clear() : memory.delete(key)),
  };
}

/**
 * Token storage on `storage` (default: localStorage, read when called); what it will not keep, this tab keeps in memory.
 *
 * @example
 * const tokens = createTokenStorage();
 * createAuthFetch({ getToken: tokens.getToken, setToken: tokens.setToken, ... });
 */
export function createTokenStorage(given: ItemStorage | undefined = pageStorage()): TokenStorage {
  const storage = withMemory(given);
  const claims = lastTokenClaims();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  // Another tab signed in or out (`key` is null when it cleared the whole storage).
  const onStorage = (event: StorageEvent) => {
    storage.forget(event.key);
    if (event.key === tokenKey || event.key === null) changed();
  };
  // Another tab signed out: a token both kept in memory (the storage refused it) is gone here too.
  const onSignedOut = () => {
    storage.forget(null);
    changed();
  };
  let signedOut: BroadcastChannel | undefined;
  return {
    account: () => {
      const token = storage.getItem(tokenKey);
      return token === null ? null : String(claims(token).sub ?? '');
    },
    getToken: () => storage.getItem(tokenKey),
    setToken: (token) => {
      // Another account: its profile is not the last one's (AuthContext shows none until it has loaded).
      if (claims(token).sub !== claims(storage.getItem(tokenKey)).sub) storage.removeItem(userKey);
      storage.setItem(tokenKey, token);
      changed();
    },
    getUser: () => {
      try {
        return JSON.parse(storage.getItem(userKey) ?? 'null') as User | null;
      } catch {
        return null;
      }
    },
    setUser: (user) => storage.setItem(userKey, JSON.stringify(user)),
    clear: () => {
      storage.removeItem(tokenKey);
      storage.removeItem(userKey);
      changed();
      if (!globalThis.BroadcastChannel) return;
      // On the channel this tab listens on, if any: one never hears itself, so this tab keeps what it just cleared.
      const tell = signedOut ?? new BroadcastChannel(signOutChannel);
      tell.postMessage('signed-out');
      if (tell !== signedOut) tell.close();
    },
    subscribe(listener) {
      if (listeners.size === 0) {
        globalThis.addEventListener?.('storage', onStorage);
        signedOut = globalThis.BroadcastChannel ? new BroadcastChannel(signOutChannel) : undefined;
        signedOut?.addEventListener('message', onSignedOut);
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        globalThis.removeEventListener?.('storage', onStorage);
        signedOut?.close();
        signedOut = undefined;
      };
    },
  };
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
  if (response.status === 401) return null;
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
 * the one this sign-in started with, and is good once. A gateway's own 502-504
 * rejects with a TypeError, as fetch does when the server cannot be reached.
 *
 * @example
 * const query = new URLSearchParams(location.search);
 * const token = await exchangeGoogleCode(query.get('code')!, query.get('state')!);
 */
export async function exchangeGoogleCode(code: string, state: string, args: { signal?: AbortSignal } = {}): Promise<string> {
  const response = await fetch(apiUrl('/auth/google/callback'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, state }),
    signal: args.signal,
  });
  // A gateway's own page (nginx's HTML 502 in a deploy), not FastAPI's JSON: the server was not reached, as when fetch fails.
  if (response.status >= 502 && response.status <= 504 && !response.headers.get('content-type')?.includes('json')) {
    throw new TypeError(`Signing in with Google failed (${response.status}): the studio's server could not be reached.`);
  }
  return (await readJson<{ access_token: string }>(response, 'Signing in with Google')).access_token;
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
  // No page (a worker, a server render): no URL to build, and openSignInPopup rejects saying why it cannot sign in here.
  const url = globalThis.location ? googleSignInUrl(globalThis.location.origin, state) : 'about:blank';
  return openSignInPopup({
    url,
    state,
    signal: args.signal,
    onClosedHint: args.onClosedHint,
    // The popup's first page is the backend's: when it is down, say so now, not after the popup's two minutes.
    ...(!mocksEnabled() && { checkServer: reachBackend }),
  });
}

/**
 * Any answer of the backend's says it is up; fetch's TypeError, that it is not. A simple CORS GET, as every call of
 * the app's: `no-cors` would be refused by a `Cross-Origin-Resource-Policy: same-origin` and read as down for good.
 * `/auth/me` asked too before saying down: a gateway that does not route `/health` must not keep everyone out.
 */
const reachBackend = (signal: AbortSignal) =>
  fetch(apiUrl('/health'), { cache: 'no-store', signal }).catch(() => fetch(apiUrl('/auth/me'), { cache: 'no-store', signal }));

/** The popup's first page for the sign-in `state`, coming back to the page's `origin`. */
function googleSignInUrl(origin: string, state: string): string {
  // Google sends the popup back to our callback page, which hands the token over.
  const query = new URLSearchParams({ state, redirect_uri: `${origin}/auth/google/callback` });
  // With the mock backend the popup opens a consent page that plays Google.
  const start = mocksEnabled() ? mockConsentUrl() : `${apiBaseUrl()}/auth/google/login`;
  return `${start}?${query}`;
}
