import { act, cleanup } from '@testing-library/react';
import type { SetupServer } from 'msw/node';
import { afterEach } from 'vitest';
import { type SimulatedClock, waitFor as waitForActor } from 'xstate';
import { createAuthFetch, installAuthFetch, type AuthFetchClient, type AuthFetchOptions } from '../../../src/lib/auth-fetch.ts';
import { getCurrentUser } from '../../../src/lib/auth-api.ts';
import { createTokenStorage, type TokenStorage } from '../../../src/lib/token-storage.ts';
import { createMockHandlers } from '../../../src/mocks/handlers.ts';
import { createMockAuth } from '../../../src/mocks/mock-auth.ts';
import { otherMockAccount, type MockAccount } from '../../../src/mocks/mock-data.ts';
import { createMemoryStorage, createMockStore, type KeyValueStorage, type MockStore } from '../../../src/mocks/mock-store.ts';
import { serveForTests } from '../../support/msw-server.ts';

/** A deferred re-auth: the test decides when and how the "popup" ends. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * The app's session wired as main.tsx wires it, on the shared mock backend
 * (msw setupServer), with a reauthenticate the test controls instead of the popup.
 */
export interface SessionFixture {
  store: MockStore;
  /** What `tokens` keeps its token in: this tab's view of the storage the app's tabs share. */
  storage: KeyValueStorage;
  tokens: TokenStorage;
  client: AuthFetchClient;
  /** Each call to reauthenticate pushes a deferred here. */
  reauths: Deferred<string>[];
  /** A fresh token from the mock backend, as Google sign-in would give (for Ada unless told). */
  issueToken: (account?: MockAccount) => Promise<string>;
  dispose: () => void;
}

/**
 * Another tab signs `account` in (Grace unless told): its token in the storage the tabs share, then that tab's
 * storage event here.
 */
export async function signInInAnotherTab(fixture: SessionFixture, account: MockAccount = otherMockAccount): Promise<string> {
  const token = await fixture.issueToken(account);
  fixture.storage.setItem('quiet-session.token', token);
  act(() => void window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.token', newValue: token })));
  return token;
}

/** The msw server of the running test file; each fixture puts its own store's handlers on it. */
let fileServer: SetupServer | undefined;

export async function createSessionFixture(options: {
  signedIn: boolean;
  /** How early a token counts as expiring (default 0: only a 401 validates). */
  expiryLeadMs?: number;
  /** How early "Your session ends in …" shows (the layer's default unless told). */
  remindBeforeMs?: number;
  /** Lifetime of the tokens the mock backend issues (default 60 s). */
  tokenLifetimeSec?: number;
  /**
   * The time of the session and of the mock backend alike: tests move it with `increment`. Set to the
   * wall clock first, so that tokens issued on it are not older than the store's last "Expire session".
   */
  clock?: SimulatedClock;
  limits?: AuthFetchOptions['limits'];
  /** The real sign-in to run instead of the deferreds in `reauths` (which then stays empty). */
  reauthenticate?: AuthFetchOptions['reauthenticate'];
}): Promise<SessionFixture> {
  const store = createMockStore();
  if (options.tokenLifetimeSec !== undefined) store.setTokenLifetimeSec(options.tokenLifetimeSec);
  const { clock } = options;
  clock?.set(Date.now());
  const now = clock ? () => clock.now() : Date.now;
  if (!fileServer) throw new Error('Call withSessionFixtures in the test file first: it starts the mock backend.');
  fileServer.resetHandlers(...createMockHandlers({ apiBaseUrl: globalThis.location.origin, store, now }));
  const auth = createMockAuth(store, now);
  const issueToken = async (account?: MockAccount) => (await auth.issueAccessToken(account)).access_token;
  const storage = createMemoryStorage();
  const tokens = createTokenStorage(storage);
  if (options.signedIn) tokens.setToken(await issueToken());
  const reauths: Deferred<string>[] = [];
  const client = createAuthFetch({
    getToken: tokens.getToken,
    setToken: tokens.setToken,
    validate: async (args) => (await getCurrentUser(args)) !== null,
    reauthenticate:
      options.reauthenticate ??
      (() => {
        const next = deferred<string>();
        reauths.push(next);
        return next.promise;
      }),
    expiryLeadMs: options.expiryLeadMs ?? 0,
    remindBeforeMs: options.remindBeforeMs,
    limits: options.limits,
    clock,
  });
  const uninstall = installAuthFetch(client);
  return {
    store,
    storage,
    tokens,
    client,
    reauths,
    issueToken,
    dispose: () => {
      uninstall();
      client.stop();
    },
  };
}

/**
 * The life cycle of a test file on the fixture: msw serves the mock backend for the whole file (see
 * `serveForTests`), and after each test the render is cleaned up and that test's fixture disposed.
 *
 * Returns the file's server, for `server.use` in a test.
 *
 * @example
 * let fixture: SessionFixture;
 * const server = withSessionFixtures(() => fixture);
 */
export function withSessionFixtures(current: () => SessionFixture | undefined): SetupServer {
  fileServer = serveForTests();
  afterEach(() => {
    cleanup();
    current()?.dispose();
  });
  return fileServer;
}

/**
 * A GET whose route the network drops at each send: the browser's `online` lets it go again after each cut-off, until
 * its last send is dropped too and it rejects.
 */
export async function onlineAfterEachCutOff(fixture: SessionFixture): Promise<void> {
  for (const _replay of [1, 2]) {
    await waitForActor(fixture.client.actor, (s) => s.matches({ offline: 'waiting' }));
    act(() => void window.dispatchEvent(new Event('online')));
  }
}
