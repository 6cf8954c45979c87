// Where the token is kept, told to the other tabs (with auth-api.ts, all that touches the token outside authFetch).
import type { User } from './auth-api.ts';
import { lastTokenClaims } from './session/index.ts';
import { nameInToken } from './token-name.ts';

/** Where the token and the (non-secret) profile of the signed-in user are kept. */
export interface TokenStorage {
  /**
   * Who is signed in, without handing the token out: the token's `sub` claim
   * ('' when the token does not say), null when nobody is. AuthContext loads
   * the profile again when it changes.
   */
  account(): string | null;
  /**
   * Who the token says is signed in, in words (its `name` claim, else `email`), null when nobody is or it says
   * neither: always the account signed in now, so the header can name them before their profile has loaded.
   */
  tokenName(): string | null;
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
  // An empty one (garbled, or signed out by writing '') is none: the session would send no token, so never ask to reconnect.
  const read = () => storage.getItem(tokenKey) || null;
  /** The token as this tab's listeners were last told of it (undefined: not read yet). */
  let known: string | null | undefined;
  const token = () => {
    const kept = read();
    // Cleared in this very tab (its console, its site data), which fires no `storage` event here: told as another tab's change is.
    if (known !== undefined && kept !== known) queueMicrotask(changed);
    known = kept;
    return kept;
  };
  const account = () => {
    const kept = token();
    return kept === null ? null : String(claims(kept).sub ?? '');
  };
  const changed = () => {
    known = read();
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
    account,
    tokenName: () => {
      const kept = token();
      return kept === null ? null : nameInToken(claims(kept));
    },
    getToken: token,
    setToken: (token) => {
      // Another account: its profile is not the last one's (AuthContext shows none until it has loaded).
      if (claims(token).sub !== claims(storage.getItem(tokenKey)).sub) storage.removeItem(userKey);
      storage.setItem(tokenKey, token);
      changed();
    },
    getUser: () => {
      try {
        // Kept with its account: an older version's bare profile (maybe the last person's) or a garbled one is none.
        const kept = JSON.parse(storage.getItem(userKey) ?? 'null') as { account?: unknown; user?: Partial<User> } | null;
        return kept?.account === account() && typeof kept.user?.name === 'string' ? (kept.user as User) : null;
      } catch {
        return null;
      }
    },
    setUser: (user) => storage.setItem(userKey, JSON.stringify({ account: account(), user })),
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
