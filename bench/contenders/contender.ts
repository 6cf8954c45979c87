/** What every contender of the scenarios looks like, and what they share: differences come from the wrappers alone. */

/** How one call ended, as the caller saw it: status 0 when it rejected (`error` says how), -1 while pending. */
export interface Outcome {
  status: number;
  body: string;
  error?: string;
}

/** Where the current access token lives (the app's localStorage). */
export interface TokenStore {
  get(): string | null;
  set(token: string): void;
}

/** A GET, a POST, and for authFetch the user at the banner, whom a scenario plays. */
export interface Contender {
  get(path: string): Promise<Outcome>;
  post(path: string, body: string): Promise<Outcome>;
  /** The user at the banner, for a contender that waits for them (authFetch's needsReauth). */
  readonly user?: {
    /** When on (the default), Reconnect is pressed as soon as the banner shows. */
    setAutoReconnect(on: boolean): void;
    reconnect(): void;
    /** Resolves when the banner shows with `count` requests held. */
    whenHolding(count: number, timeoutMs: number): Promise<void>;
  };
  /** Only a contender that keeps something running (authFetch's session) has one. */
  stop?(): void;
}

/** Builds a fresh contender: each scenario of each round gets its own. */
export interface ContenderFactory {
  readonly name: string;
  create(setup: { origin: string; tokens: TokenStore; auth: ReturnType<typeof createBenchAuth> }): Contender;
}

/**
 * The GET and the JSON POST of a contender whose calls have the shape of fetch, the body read as text.
 *
 * @example
 * const { get, post } = fetchCalls(origin, createMutexRecipe({ getToken, setToken, reauthenticate }));
 */
export function fetchCalls(origin: string, send: (url: string, init?: RequestInit) => Promise<Response>): Pick<Contender, 'get' | 'post'> {
  const call = async (path: string, init?: RequestInit): Promise<Outcome> => {
    const response = await send(origin + path, init);
    return { status: response.status, body: await response.text() };
  };
  return {
    get: (path) => call(path),
    post: (path, body) => call(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
  };
}

/** A token held in memory, standing in for the app's localStorage. */
export function createTokenStore(): TokenStore {
  let token: string | null = null;
  return { get: () => token, set: (next) => void (token = next) };
}

/** `/auth/me` (the app's getCurrentUser) and `/auth/reauth` (the sign-in popup) over plain fetch, the same for every contender. */
export function createBenchAuth(origin: string) {
  return {
    async validate(token: string | null, signal?: AbortSignal): Promise<boolean> {
      const response = await fetch(`${origin}/auth/me`, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal });
      await response.arrayBuffer();
      if (response.status !== 401 && !response.ok) throw new Error(`/auth/me answered ${response.status}`);
      return response.ok;
    },
    async reauthenticate(signal?: AbortSignal): Promise<string> {
      const response = await fetch(`${origin}/auth/reauth`, { method: 'POST', signal });
      if (!response.ok) throw new Error(`/auth/reauth answered ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    },
  };
}
