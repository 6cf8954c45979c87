import { vi } from 'vitest';
import { createAuthFetch, type AuthFetchClient, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API, type FakeBackend } from './fake-backend.ts';

/**
 * A client wired to the fake backend as the app would wire it: validate asks
 * `/auth/me`, reauthenticate "signs in" by minting a token the backend accepts.
 * `reauthOutcome` lets a test make the popup fail.
 */
export function createHarness(backend: FakeBackend, overrides: Partial<AuthFetchOptions> = {}) {
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

/** Settles-or-not probe for a promise, without waiting on time. */
export function track<T>(promise: Promise<T>) {
  const state = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}
