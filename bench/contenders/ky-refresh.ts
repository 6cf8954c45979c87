import ky, { HTTPError } from 'ky';
import type { ContenderFactory, Outcome } from './contender.ts';

/**
 * ky 1.x with the afterResponse refresh of its README, made single-flight the
 * way users do it: one shared refresh promise that every 401 awaits.
 *
 * @example
 * const contender = kyRefresh.create({ origin, tokens, auth });
 */
export const kyRefresh: ContenderFactory = {
  name: 'ky + refresh hook',
  handlesExpiry: true,
  create({ origin, tokens, auth }) {
    let refreshing: Promise<string> | null = null;
    const api = ky.create({
      hooks: {
        beforeRequest: [(request) => request.headers.set('Authorization', `Bearer ${tokens.get()}`)],
        afterResponse: [
          async (request, _options, response) => {
            if (response.status !== 401) return;
            refreshing ??= auth
              .reauthenticate()
              .then((token) => {
                tokens.set(token);
                return token;
              })
              .finally(() => {
                refreshing = null;
              });
            const token = await refreshing;
            request.headers.set('Authorization', `Bearer ${token}`);
            return ky(request);
          },
        ],
      },
    });
    const call = async (path: string, options: Parameters<typeof api>[1]): Promise<Outcome> => {
      try {
        const response = await api(origin + path, options);
        return { status: response.status, body: await response.text() };
      } catch (error) {
        if (error instanceof HTTPError) return { status: error.response.status, body: await error.response.text() };
        throw error;
      }
    };
    return {
      name: 'ky + refresh hook',
      get: (path) => call(path, {}),
      post: (path, body) => call(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      stop: () => {},
    };
  },
};
