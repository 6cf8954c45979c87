/**
 * What every contender of the benchmark looks like to a scenario: a GET, a
 * POST, and (authFetch only) a handle on the session, so that the scenario
 * can play the user who presses Reconnect.
 */

/** How one call ended, as the caller saw it. */
export interface Outcome {
  /** HTTP status the caller got; 0 when the call rejected. */
  status: number;
  body: string;
  /** The rejection's name and message, when the call rejected. */
  error?: string;
}

/** Where the current access token lives (the app's localStorage). */
export interface TokenStore {
  get(): string | null;
  set(token: string): void;
}

/** The backend's auth endpoints, shared by every contender so that they pay the same for them. */
export interface BenchAuth {
  /** The app's getCurrentUser: `/auth/me` accepts the token (true) or answers 401 (false). */
  validate(token: string | null, signal?: AbortSignal): Promise<boolean>;
  /** The sign-in popup's stand-in: `/auth/reauth` answers a fresh token. */
  reauthenticate(signal?: AbortSignal): Promise<string>;
}

/** The user in front of a session that waits for them (authFetch's needsReauth). */
export interface UserAtTheBanner {
  /** When on (the default), Reconnect is pressed as soon as the banner shows. */
  setAutoReconnect(on: boolean): void;
  reconnect(): void;
  /** Requests the session holds right now. */
  heldCount(): number;
  /** Resolves when the banner shows with `count` requests held. */
  whenHolding(count: number, timeoutMs: number): Promise<void>;
}

export interface Contender {
  readonly name: string;
  get(path: string): Promise<Outcome>;
  post(path: string, body: string): Promise<Outcome>;
  /** Only for contenders that wait for the user instead of refreshing on their own. */
  readonly user?: UserAtTheBanner;
  stop(): void;
}

export interface ContenderSetup {
  origin: string;
  tokens: TokenStore;
  auth: BenchAuth;
}

/** Builds a fresh contender; each scenario of each round gets its own. */
export interface ContenderFactory {
  readonly name: string;
  /** True when the contender handles an expired token at all (native fetch does not). */
  readonly handlesExpiry: boolean;
  create(setup: ContenderSetup): Contender;
}

/**
 * Reads a fetch Response into an Outcome. Contenders chain it with `.then`
 * rather than wrapping each call in an async function, so that a held call
 * costs the library's memory, not the harness's (a suspended async frame is
 * ~0.4 KB, which S4 would otherwise charge to every contender).
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
    const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { status: 0, body: '', error: described };
  }
}
