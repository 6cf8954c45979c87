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

/** The backend's auth endpoints: `/auth/me` (the app's getCurrentUser) and `/auth/reauth` (the sign-in popup). */
export interface BenchAuth {
  validate(token: string | null, signal?: AbortSignal): Promise<boolean>;
  reauthenticate(signal?: AbortSignal): Promise<string>;
}

/** A GET, a POST, and for authFetch the user at the banner, whom a scenario plays. */
export interface Contender {
  readonly name: string;
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
  stop(): void;
}

/** Builds a fresh contender: each scenario of each round gets its own. */
export interface ContenderFactory {
  readonly name: string;
  create(setup: { origin: string; tokens: TokenStore; auth: BenchAuth }): Contender;
}

/**
 * Reads a fetch Response into an Outcome.
 *
 * @example
 * const outcome = await fetch(url).then(readOutcome);
 */
export async function readOutcome(response: Response): Promise<Outcome> {
  return { status: response.status, body: await response.text() };
}

/**
 * Turns a rejection into an Outcome, so that one failed call is counted, not fatal.
 *
 * @example
 * const outcome = await settle(contender.get('/api/item'));
 */
export async function settle(call: Promise<Outcome>): Promise<Outcome> {
  try {
    return await call;
  } catch (error) {
    return { status: 0, body: '', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/**
 * A token held in memory, standing in for the app's localStorage.
 *
 * @example
 * const tokens = createTokenStore(); tokens.set(await backend.issueToken());
 */
export function createTokenStore(): TokenStore {
  let token: string | null = null;
  return { get: () => token, set: (next) => void (token = next) };
}

/**
 * The backend's validate and re-auth calls over plain fetch, the same for every contender.
 *
 * @example
 * const token = await createBenchAuth(backend.origin).reauthenticate();
 */
export function createBenchAuth(origin: string): BenchAuth {
  return {
    async validate(token, signal) {
      const response = await fetch(`${origin}/auth/me`, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal });
      await response.arrayBuffer();
      if (response.status !== 401 && !response.ok) throw new Error(`/auth/me answered ${response.status}`);
      return response.ok;
    },
    async reauthenticate(signal) {
      const response = await fetch(`${origin}/auth/reauth`, { method: 'POST', signal });
      if (!response.ok) throw new Error(`/auth/reauth answered ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    },
  };
}
