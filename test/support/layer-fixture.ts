import { afterEach, vi } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchClient, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API, createFakeBackend, type FakeBackend } from './fake-backend.ts';
import { serveForTests } from './msw-server.ts';
import { createTabs, type Tab, type TabsOptions } from './tabs.ts';

export { API, OTHER } from './fake-backend.ts';

/**
 * A session wired to the fake backend as the app wires one: validate asks `/auth/me`, reauthenticate
 * "signs in" by minting a token the backend accepts (t2, t3, …). `control` makes either fail.
 *
 * @example
 * const h = sessionOnBackend(backend);
 * h.expire();
 */
export function sessionOnBackend(backend: FakeBackend, overrides: Partial<AuthFetchOptions> = {}) {
  const store = { token: 't1' as string | null, minted: 1 };
  const control = {
    reauthOutcome: 'success' as 'success' | Error,
    validateOutcome: 'backend' as 'backend' | Error | Promise<never>,
  };
  const validate = vi.fn(async ({ token, signal }: { token: string | null; signal: AbortSignal }) => {
    if (control.validateOutcome instanceof Error) throw control.validateOutcome;
    if (control.validateOutcome instanceof Promise) return control.validateOutcome;
    const response = await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` }, signal });
    return response.ok;
  });
  const reauthenticate = vi.fn(async (_: { signal: AbortSignal }) => {
    if (control.reauthOutcome instanceof Error) throw control.reauthOutcome;
    const token = `t${++store.minted}`;
    backend.valid.add(token);
    return token;
  });
  const setToken = vi.fn((token: string) => {
    store.token = token;
  });
  const client: AuthFetchClient = createAuthFetch({
    getToken: () => store.token,
    setToken,
    validate,
    reauthenticate,
    allowedOrigins: [API],
    ...overrides,
  });
  /** The token expires at the backend: it answers 401 from now on. */
  const expire = () => backend.valid.delete(store.token ?? '');
  return { client, store, control, validate, reauthenticate, setToken, expire };
}

export type SessionOnBackend = ReturnType<typeof sessionOnBackend>;

/**
 * The layer on the fake backend for the tests of the file, or of the `describe` block, that calls it:
 * msw serves the backend (see `serveForTests`), and after each test every session and tab made here
 * stops and the backend forgets what it saw.
 *
 * @example
 * const layer = layerOnFakeBackend();
 * it('holds', async () => {
 *   const h = layer.session();
 *   h.expire();
 * });
 */
export function layerOnFakeBackend() {
  const backend = createFakeBackend();
  const server = serveForTests(...backend.handlers);
  const undo: Array<() => void> = [];
  afterEach(() => {
    for (const u of undo.splice(0)) u();
    backend.reset();
  });
  return {
    backend,
    server,
    /** A session on the backend (`sessionOnBackend`), stopped after the test. */
    session(overrides: Partial<AuthFetchOptions> = {}): SessionOnBackend {
      const session = sessionOnBackend(backend, overrides);
      undo.push(session.client.stop);
      return session;
    },
    /** The tabs of one app on the backend (`createTabs`), closed after the test. */
    tabs(options: TabsOptions = {}) {
      const tabs = createTabs(options);
      undo.push(tabs.close);
      return tabs;
    },
    /** Every tab holds a call on the expired token and waits for Reconnect; the calls, for the tests that await them. */
    async expireWithHeldCalls(...open: Tab[]): Promise<Array<Promise<Response>>> {
      backend.valid.delete('t1');
      const held = open.map((tab) => tab.client.authFetch(`${API}/api/tab${tab.index}`));
      for (const call of held) call.catch(() => {}); // awaited by the tests that expect them back
      await Promise.all(open.map((tab) => waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }))));
      return held;
    },
  };
}

/** One send that waits for the test to answer it. */
export interface HandAnsweredSend {
  url: string;
  authorization: string | null;
  answer: (status: number) => void;
}

/**
 * A session with no backend: every send, and every validation, waits for the test to answer it, so the
 * test decides the order in which 401s, the validation and the chart's turns come. `overrides` replace
 * any option (e.g. a validate that answers at once).
 *
 * @example
 * const { client, sendsTo, validations } = handAnsweredSession();
 * client.authFetch(`${API}/api/credits`);
 * sendsTo('/api/credits')[0]!.answer(401);
 */
export function handAnsweredSession(overrides: Partial<AuthFetchOptions> = {}) {
  let token: string | null = 'alice-token';
  const sends: HandAnsweredSend[] = [];
  const validations: Array<(valid: boolean) => void> = [];
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => {
      token = next;
    },
    validate: () => new Promise<boolean>((resolve) => validations.push(resolve)),
    reauthenticate: async () => 'alice-token-2',
    allowedOrigins: [API],
    fetch: (input, init) =>
      new Promise<Response>((resolve) => {
        const url = String(input instanceof Request ? input.url : input);
        sends.push({
          url,
          authorization: new Headers(init?.headers).get('authorization'),
          answer: (status) => resolve(new Response('{}', { status })),
        });
      }),
    ...overrides,
  });
  const sendsTo = (path: string) => sends.filter((send) => send.url === `${API}${path}`);
  /** The app signs the user out: the token goes, and the session is told. */
  const signOut = () => {
    token = null;
    client.endSession();
  };
  return { client, sends, sendsTo, validations, signOut };
}
