import { createAuthFetch, type AuthFetchClient, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { createTabSync, type TabLocks, type TabSync, type TabSyncOptions } from '../../src/lib/session/tab-sync.ts';
import { API } from './fake-backend.ts';
import { createFakeLocks } from './fake-locks.ts';

/** One tab of the app: its tab sync, its session, and the undo of their connection. */
export interface Tab {
  index: number;
  sync: TabSync;
  client: AuthFetchClient;
  disconnect: () => void;
}

/** The events of a tab's report, each with its detail: `tab.answer valid`, `lock.reauth taken over`. */
export const reportNotes = (tab: Tab) => tab.client.report().entries.map((e) => [e.event, e.detail].filter(Boolean).join(' '));

/** A sign-in popup the test answers; `tab` opened it. */
export interface Popup {
  tab: number;
  resolve: (token: string) => void;
  reject: (error: Error) => void;
  /** The signal the session gave it: openSignInPopup's Try again names the sign-in by it. */
  signal: AbortSignal;
}

/** How the tabs of `createTabs` share: a lock manager (fake unless told; none with null), late storage or none, tab sync options. */
export interface TabsOptions {
  locks?: TabLocks | null;
  lateStorage?: boolean;
  /** No localStorage to share (tab sync falls back to `globalThis.localStorage`, which Node 20 lacks). */
  noStorage?: boolean;
  sync?: Omit<TabSyncOptions, 'name' | 'locks' | 'storage'>;
  /** The sessions' own options, such as `validationTimeoutMs`. */
  session?: Pick<AuthFetchOptions, 'validationTimeoutMs' | 'limits' | 'clock'>;
}

/**
 * The tabs of one app in one process, on the fake backend: one token storage
 * (the tabs of an origin share localStorage), one lock manager (fake, or none
 * with `locks: null`), one BroadcastChannel name. Each validation asks
 * `/auth/me` and is noted in `meCalls`; each popup waits in `popups`. With
 * `lateStorage`, each tab has its own copy of localStorage, which another
 * tab's writes reach only at `propagate()`: a moment later, as in Chromium.
 *
 * @example
 * const tabs = createTabs();
 * const [a, b] = [tabs.open(), tabs.open()];
 * afterEach(tabs.close);
 */
export function createTabs(options: TabsOptions = {}) {
  const storage = { token: 't1' as string | null };
  const shared = new Map<string, string>(); // localStorage, as the tabs of one origin share it
  const localStorage = { getItem: (k: string) => shared.get(k) ?? null, setItem: (k: string, v: string) => void shared.set(k, v) };
  const copies: Array<Map<string, string>> = [];
  const unpropagated: Array<() => void> = [];
  /** One tab's copy of localStorage: its own writes at once, the others' at `propagate()`. */
  const lateCopy = () => {
    const copy = new Map(shared);
    copies.push(copy);
    return {
      getItem: (k: string) => copy.get(k) ?? null,
      setItem: (k: string, v: string) => {
        copy.set(k, v);
        shared.set(k, v);
        unpropagated.push(() => {
          for (const other of copies) other.set(k, v);
        });
      },
    };
  };
  const locks = options.locks === undefined ? createFakeLocks() : (options.locks ?? undefined);
  const meCalls: string[] = [];
  /** Every token a tab stored, in order. */
  const stored: string[] = [];
  const popups: Popup[] = [];
  const name = `qs-test-${Math.random()}`;
  const undo: Array<() => void> = [];
  let opened = 0;

  /**
   * Opens a tab, connected unless told; `validate` replaces the backend call. With `sync`, a second session
   * of that tab sync's tab (its popups are noted as that tab's).
   */
  function open(tabOptions: { connect?: boolean; validate?: (token: string | null) => Promise<boolean>; sync?: TabSync } = {}): Tab {
    const index = opened++;
    const sync =
      tabOptions.sync ??
      createTabSync(
        {
          validate: async ({ token, signal }) => {
            meCalls.push(`tab ${index}`);
            if (tabOptions.validate) return tabOptions.validate(token);
            return (await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` }, signal })).ok;
          },
          reauthenticate: ({ signal }) => new Promise<string>((resolve, reject) => popups.push({ tab: index, resolve, reject, signal })),
        },
        { ...options.sync, name, locks, storage: options.noStorage ? undefined : options.lateStorage ? lateCopy() : localStorage },
      );
    const client = createAuthFetch({
      getToken: () => storage.token,
      setToken: (token) => {
        stored.push(token);
        storage.token = token;
      },
      validate: sync.validate,
      reauthenticate: sync.reauthenticate,
      allowedOrigins: [API],
      ...options.session,
    });
    const disconnect = tabOptions.connect === false ? () => {} : sync.connect(client);
    undo.push(disconnect, client.stop);
    return { index, sync, client, disconnect };
  }

  return {
    open,
    storage,
    locks,
    meCalls,
    stored,
    popups,
    shared,
    name,
    /** Lets every write so far reach every tab's copy (`lateStorage`). */
    propagate: () => {
      for (const write of unpropagated.splice(0)) write();
    },
    close: () => {
      for (const u of undo.splice(0)) u();
    },
  };
}
