import { readOutcome, type ContenderFactory } from './contender.ts';

/**
 * The floor: fetch with the token in a header, nothing else. It does not
 * handle expiry, so it runs the hot-path scenarios only.
 *
 * @example
 * const contender = nativeFetch.create({ origin, tokens, auth });
 */
export const nativeFetch: ContenderFactory = {
  name: 'native fetch',
  handlesExpiry: false,
  create({ origin, tokens }) {
    const call = (path: string, init: RequestInit) => {
      const headers = { ...(init.headers as Record<string, string>), Authorization: `Bearer ${tokens.get()}` };
      return fetch(origin + path, { ...init, headers }).then(readOutcome);
    };
    return {
      name: 'native fetch',
      get: (path) => call(path, {}),
      post: (path, body) => call(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      stop: () => {},
    };
  },
};
