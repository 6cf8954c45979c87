import { waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import type { ContenderFactory } from './contender.ts';

/**
 * Quiet Session's authFetch, wired as the app wires it, with a user who
 * presses Reconnect as soon as the banner shows (unless told to wait).
 *
 * @example
 * const contender = authFetchContender.create({ origin, tokens, auth });
 * contender.user?.setAutoReconnect(false);
 */
export const authFetchContender: ContenderFactory = {
  name: 'authFetch',
  handlesExpiry: true,
  create({ origin, tokens, auth }) {
    const client = createAuthFetch({
      getToken: tokens.get,
      setToken: tokens.set,
      validate: ({ token, signal }) => auth.validate(token, signal),
      reauthenticate: ({ signal }) => auth.reauthenticate(signal),
      allowedOrigins: [origin],
    });
    let autoReconnect = true;
    const subscription = client.actor.subscribe((snapshot) => {
      if (autoReconnect && snapshot.matches({ needsReauth: 'waiting' })) client.reconnect();
    });
    const call = async (path: string, init?: RequestInit) => {
      const response = await client.authFetch(origin + path, init);
      return { status: response.status, body: await response.text() };
    };
    return {
      name: 'authFetch',
      get: (path) => call(path),
      post: (path, body) => call(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      user: {
        setAutoReconnect: (on) => {
          autoReconnect = on;
        },
        reconnect: () => client.reconnect(),
        heldCount: () => client.actor.getSnapshot().context.queue.length,
        whenHolding: async (count, timeoutMs) => {
          await waitFor(
            client.actor,
            (snapshot) => snapshot.matches('needsReauth') && snapshot.context.queue.length >= count,
            { timeout: timeoutMs },
          );
        },
      },
      stop: () => {
        subscription.unsubscribe();
        client.stop();
      },
    };
  },
};
