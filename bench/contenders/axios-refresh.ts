import axios, { isAxiosError, type AxiosRequestConfig } from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import type { ContenderFactory, Outcome } from './contender.ts';

/**
 * axios + axios-auth-refresh with the library's defaults, set up as its README shows: a request interceptor
 * that reads the token at call time, and a refresh function that stores the new token and patches the failed request.
 */
export const axiosAuthRefresh: ContenderFactory = {
  name: 'axios + axios-auth-refresh',
  create({ origin, tokens, auth }) {
    // responseType 'text' so that every contender hands the caller the same thing: the body as a string.
    const instance = axios.create({ baseURL: origin, responseType: 'text' });
    instance.interceptors.request.use((config) => {
      config.headers.Authorization = `Bearer ${tokens.get()}`;
      return config;
    });
    createAuthRefresh(instance, async (failedRequest: { response: { config: AxiosRequestConfig } }) => {
      const token = await auth.reauthenticate();
      tokens.set(token);
      failedRequest.response.config.headers = { ...failedRequest.response.config.headers, Authorization: `Bearer ${token}` };
    });
    const call = (config: AxiosRequestConfig): Promise<Outcome> =>
      instance.request<string>(config).then(
        (response) => ({ status: response.status, body: response.data }),
        (error: unknown) => {
          if (isAxiosError(error) && error.response) return { status: error.response.status, body: String(error.response.data ?? '') };
          throw error;
        },
      );
    return {
      get: (path) => call({ url: path }),
      post: (path, body) => call({ url: path, method: 'POST', data: body, headers: { 'content-type': 'application/json' } }),
    };
  },
};
