import ky, { HTTPError } from 'ky';
import { fetchCalls, type ContenderFactory } from './contender.ts';

/** ky 1.x with its README's afterResponse refresh, made single-flight as users do: one shared refresh promise that every 401 awaits. */
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
    // ky rejects every status but 2xx: its response is what the caller sees.
    return fetchCalls(origin, (url, init) =>
      api(url, init).catch((error: unknown) => (error instanceof HTTPError ? error.response : Promise.reject(error))),
    );
  },
};
