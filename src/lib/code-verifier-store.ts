// Where each Google sign-in's PKCE verifier waits for its callback page: at the same origin, but maybe in a popup that
// COOP cut off from its opener (no window.opener, a sessionStorage of its own) or after the app's tab reloaded. So the
// origin's localStorage, one key per state; never the token, and gone once the sign-in is over.

type ItemStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const prefix = 'quiet-session.pkce.';
/** As long as the backend keeps a sign-in's state: an older verifier can trade nothing. */
const keptForMs = 10 * 60_000;

/**
 * `use` of the page's localStorage; nothing where there is none (Node), reading it throws (cookies blocked:
 * SecurityError) or `use` throws (full): the exchange is then refused, and says so.
 */
function withStorage<T>(use: (storage: ItemStorage) => T): T | undefined {
  try {
    const storage: ItemStorage | undefined = globalThis.localStorage ?? undefined;
    return storage ? use(storage) : undefined;
  } catch {
    return undefined;
  }
}

/** When the entry `text` was kept, or NaN: one that cannot be read (cut short, another version's) has no age and goes. */
function keptAt(text: string | null): number {
  try {
    return Number((JSON.parse(text ?? 'null') as { at?: unknown } | null)?.at);
  } catch {
    return Number.NaN;
  }
}

/**
 * Keeps `verifier` for the sign-in started with `state`, and drops those of sign-ins that ended long ago (a tab
 * closed or reloaded while its popup was open, so nobody forgot them). False when it could not be kept.
 *
 * @example
 * const kept = rememberCodeVerifier(state, createCodeVerifier());
 */
export function rememberCodeVerifier(state: string, verifier: string, now = Date.now()): boolean {
  withStorage((storage) => {
    const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i));
    for (const key of keys) {
      if (!key?.startsWith(prefix)) continue;
      if (!(now - keptAt(storage.getItem(key)) < keptForMs)) storage.removeItem(key);
    }
    storage.setItem(prefix + state, JSON.stringify({ verifier, at: now }));
  });
  return codeVerifierOf(state) === verifier;
}

/**
 * The verifier kept for `state`, or null: none was (another browser, a sign-in already over), or storage is blocked.
 *
 * @example
 * const verifier = codeVerifierOf(query.get('state')!);
 */
export function codeVerifierOf(state: string): string | null {
  const record = withStorage((storage) => JSON.parse(storage.getItem(prefix + state) ?? 'null') as { verifier?: unknown } | null);
  return typeof record?.verifier === 'string' ? record.verifier : null;
}

/**
 * Drops the verifier of `state`: its sign-in is over.
 *
 * @example
 * forgetCodeVerifier(state);
 */
export function forgetCodeVerifier(state: string): void {
  withStorage((storage) => storage.removeItem(prefix + state));
}
