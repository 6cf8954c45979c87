import { Mutex } from 'async-mutex';
import type { ContenderFactory, Outcome } from './contender.ts';

/**
 * fetch + async-mutex: the "preventing multiple unauthorized errors" recipe
 * of Redux Toolkit's docs (baseQueryWithReauth), with RTK Query taken out.
 *
 * @example
 * const contender = fetchMutex.create({ origin, tokens, auth });
 */
export const fetchMutex: ContenderFactory = {
  name: 'fetch + async-mutex',
  handlesExpiry: true,
  create({ origin, tokens, auth }) {
    const mutex = new Mutex();
    const baseQuery = async (path: string, init: RequestInit): Promise<Outcome> => {
      const headers = { ...(init.headers as Record<string, string>), Authorization: `Bearer ${tokens.get()}` };
      const response = await fetch(origin + path, { ...init, headers });
      return { status: response.status, body: await response.text() };
    };
    // The recipe, step by step: wait for a refresh in progress, send, and on 401 refresh under the lock or wait for it.
    const baseQueryWithReauth = async (path: string, init: RequestInit): Promise<Outcome> => {
      await mutex.waitForUnlock();
      let result = await baseQuery(path, init);
      if (result.status !== 401) return result;
      if (!mutex.isLocked()) {
        const release = await mutex.acquire();
        try {
          const token = await auth.reauthenticate().catch(() => null);
          if (token !== null) {
            tokens.set(token);
            result = await baseQuery(path, init);
          }
        } finally {
          release();
        }
      } else {
        await mutex.waitForUnlock();
        result = await baseQuery(path, init);
      }
      return result;
    };
    return {
      name: 'fetch + async-mutex',
      get: (path) => baseQueryWithReauth(path, {}),
      post: (path, body) =>
        baseQueryWithReauth(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      stop: () => {},
    };
  },
};
