import { mockAccount } from './mock-data.ts';

// The mock backend's only mutable state: in localStorage in the browser, as each page runs its own handlers; in memory in Node.

/** The part of `Storage` the store needs; `localStorage` fits. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What the dev panel and the handlers read and change. */
export interface MockStore {
  /** Lifetime of newly issued access tokens, in seconds (default 60). */
  tokenLifetimeSec(): number;
  setTokenLifetimeSec(seconds: number): void;
  /** Tokens issued at or before this instant (ms since the epoch) are rejected: "Expire session". */
  revokedBefore(): number;
  /** The backend forgets every token issued so far. */
  expireSessions(nowMs?: number): void;
  /** The generation credits of `account` (a user id, the token's `sub`; default Ada's): each account has its own, as on FastAPI. */
  credits(account?: string): number;
  setCredits(credits: number, account?: string): void;
  /** True while the dev panel's "Go offline" is on: the backend answers with network failures. */
  networkDown(): boolean;
  setNetworkDown(down: boolean): void;
  /**
   * True the first time `id` is claimed, false after: one-use Google codes.
   * Each id is remembered until `untilMs`, when the code it names has expired anyway.
   */
  claimOnce(id: string, untilMs: number, nowMs?: number): boolean;
}

export const defaultTokenLifetimeSec = 60;
export const defaultCredits = 25;
const prefix = 'quiet-session.mock.';

/**
 * A Map behind the `Storage` interface, for Node and for tests.
 *
 * @example
 * const store = createMockStore(createMemoryStorage());
 */
export function createMemoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, String(value)),
    removeItem: (key) => void values.delete(key),
  };
}

/**
 * Builds the store on `storage`: localStorage in the browser (shared by the
 * app and its popup), memory when none is given.
 *
 * @example
 * const store = createMockStore(globalThis.localStorage);
 * store.expireSessions(); // every token issued so far now gets 401
 */
export function createMockStore(storage: KeyValueStorage = createMemoryStorage()): MockStore {
  const readNumber = (key: string, fallback: number) => {
    const value = Number(storage.getItem(prefix + key));
    return storage.getItem(prefix + key) !== null && Number.isFinite(value) ? value : fallback;
  };
  const writeNumber = (key: string, value: number) => storage.setItem(prefix + key, String(value));
  return {
    tokenLifetimeSec: () => readNumber('tokenLifetimeSec', defaultTokenLifetimeSec),
    setTokenLifetimeSec: (seconds) => {
      if (!(Number.isFinite(seconds) && seconds > 0))
        throw new RangeError(`Token lifetime must be a positive number of seconds, got ${seconds}.`);
      writeNumber('tokenLifetimeSec', seconds);
    },
    revokedBefore: () => readNumber('revokedBefore', 0),
    expireSessions: (nowMs = Date.now()) => writeNumber('revokedBefore', nowMs),
    credits: (account = mockAccount.id) => readNumber(`credits.${account}`, defaultCredits),
    setCredits: (credits, account = mockAccount.id) => writeNumber(`credits.${account}`, Math.max(0, Math.floor(credits))),
    // Stored, not kept in the page: the popup and the other tabs run their own copy of the handlers.
    networkDown: () => readNumber('networkDown', 0) === 1,
    setNetworkDown: (down) => writeNumber('networkDown', down ? 1 : 0),
    // Stored too: the popup that uses a code and a replay from another tab share the origin's storage.
    claimOnce: (id, untilMs, nowMs = Date.now()) => {
      let claimed: Record<string, number> = {};
      try {
        claimed = JSON.parse(storage.getItem(`${prefix}claimed`) ?? '{}') as Record<string, number>;
      } catch {
        // A damaged entry forgets the claims: the codes' own expiry still bounds them.
      }
      const live = Object.fromEntries(Object.entries(claimed).filter(([, until]) => until > nowMs));
      if (id in live) return false;
      storage.setItem(`${prefix}claimed`, JSON.stringify({ ...live, [id]: untilMs }));
      return true;
    },
  };
}
