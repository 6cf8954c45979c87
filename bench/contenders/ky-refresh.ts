import ky, { HTTPError } from 'ky';
import { readOutcome, type ContenderFactory, type Outcome } from './contender.ts';

/**
 * ky 1.x with the afterResponse refresh of its README, made single-flight the
 * way users do it: one shared refresh promise that every 401 awaits.
 *
 * @example
 * const contender = kyRefresh.create({ origin, tokens, auth });
 */
export const kyRefresh: ContenderFactory = {
  name: 'ky + refresh hook',
  create({ origin, tokens, auth }) {
    let refreshing: Promise<string> | null = null;
    const api = ky.create({
      hooks: {
        beforeRequest: [(request) => request.headers.set('Authorization', `Bearer ${tokens.get()}`)],
        afterResponse: [
          async (request, _options, response) => {
            if (response.status !== 401) return;
            refreshing ??= auth.reauthenticate().finally(() => (refreshing = null));
            const token = await refreshing;
            tokens.set(token);
            request.headers.set('Authorization', `Bearer ${token}`);
            return ky(request);
          },
        ],
      },
    });
    const call = (path: string, options: Parameters<typeof api>[1]): Promise<Outcome> =>
      api(origin + path, options).then(readOutcome, (error: unknown) => {
        if (error instanceof HTTPError) return readOutcome(error.response);
        throw error;
      });
    return {
      name: 'ky + refresh hook',
      get: (path) => call(path, {}),
      post: (path, body) => call(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      stop: () => {},
    };
  },
};
