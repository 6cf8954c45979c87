import { waitFor } from 'xstate';
import type { createAuthFetch } from '../../src/lib/session/index.ts';
import { fetchCalls, type ContenderFactory } from './contender.ts';

/**
 * Quiet Session's authFetch from `create` (the core as build-core.ts ships it), wired as the app wires it.
 * The user presses Reconnect as soon as the banner shows, unless told to wait.
 */
export function authFetchContender(create: typeof createAuthFetch): ContenderFactory {
  return {
    name: 'authFetch',
    create({ origin, tokens, auth }) {
      const client = create({
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
      return {
        ...fetchCalls(origin, client.authFetch),
        user: {
          setAutoReconnect: (on) => void (autoReconnect = on),
          reconnect: () => client.reconnect(),
          whenHolding: async (count, timeoutMs) => {
            const holding = (s: ReturnType<typeof client.actor.getSnapshot>) => s.matches('needsReauth') && s.context.queue.length >= count;
            await waitFor(client.actor, holding, { timeout: timeoutMs });
          },
        },
        stop: () => {
          subscription.unsubscribe();
          client.stop();
        },
      };
    },
  };
}
