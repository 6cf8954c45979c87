import { Mutex } from 'async-mutex';
import { fetchCalls, type ContenderFactory } from './contender.ts';

type RecipeOptions = { getToken(): string | null; setToken(token: string): void; reauthenticate(): Promise<string>; fetch?: typeof fetch };

/**
 * fetch + async-mutex: the "preventing multiple unauthorized errors" recipe
 * of Redux Toolkit's docs (`baseQueryWithReauth`), with RTK Query taken out
 * and the shape of `fetch` kept, so that it is measured exactly as authFetch
 * is: the same stub in the micro-benchmark, the same backend in the scenarios.
 * `options.fetch` is read at call time; `globalThis.fetch` when absent.
 *
 * @example
 * const recipeFetch = createMutexRecipe({ getToken, setToken, reauthenticate });
 * const response = await recipeFetch('https://api.test/api/item');
 */
export function createMutexRecipe(options: RecipeOptions): typeof fetch {
  const mutex = new Mutex();
  const send = (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = { ...(init?.headers as Record<string, string> | undefined), Authorization: `Bearer ${options.getToken()}` };
    return (options.fetch ?? fetch)(input, { ...init, headers });
  };
  // The recipe, step by step: wait for a refresh in progress, send, and on 401 refresh under the lock or wait for it.
  return async (input, init) => {
    await mutex.waitForUnlock();
    let response = await send(input, init);
    if (response.status !== 401) return response;
    if (!mutex.isLocked()) {
      const release = await mutex.acquire();
      try {
        const token = await options.reauthenticate().catch(() => null);
        if (token !== null) {
          options.setToken(token);
          response = await send(input, init);
        }
      } finally {
        release();
      }
    } else {
      await mutex.waitForUnlock();
      response = await send(input, init);
    }
    return response;
  };
}

/** The recipe on the real fetch, as a contender of the scenarios. */
export const fetchMutex: ContenderFactory = {
  name: 'fetch + async-mutex',
  create: ({ origin, tokens, auth }) =>
    fetchCalls(origin, createMutexRecipe({ getToken: tokens.get, setToken: tokens.set, reauthenticate: () => auth.reauthenticate() })),
};
