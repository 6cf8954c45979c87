import { DEV } from './dev.ts';
import type { AuthFetchOptions } from './options.ts';

/**
 * The options as the session calls them. The functions are called as methods of what was given: a class instance's
 * live on its prototype, which a copy misses, and read `this`.
 *
 * @example
 * const options = callableOptions({ getToken: () => store.get('token'), setToken, validate, reauthenticate });
 * options.getToken(); // null for undefined or '' too
 */
export function callableOptions(given: AuthFetchOptions): AuthFetchOptions {
  return {
    ...given,
    // A store that says "nobody" with undefined (a cookie reader, a Map) or '' (getItem(key) ?? '') means no token, as null does.
    getToken: () => {
      const token = given.getToken() || null;
      // A wiring mistake (an async getToken: a Promise), caught in development; production drops the check.
      if (DEV && token !== null && typeof token !== 'string')
        throw new TypeError(`createAuthFetch: options.getToken must return a string or null, got ${typeof token}.`);
      return token;
    },
    setToken: (token) => given.setToken(token),
    validate: (args) => given.validate(args),
    reauthenticate: (args) => given.reauthenticate(args),
    // Called with no `this`, as a bare fetch is: the browser's own refuses any other ("Illegal invocation").
    fetch: given.fetch,
    // The list as checked: an entry pushed onto the caller's array later ('https:') would match every https URL.
    allowedOrigins: given.allowedOrigins && [...given.allowedOrigins],
  };
}
