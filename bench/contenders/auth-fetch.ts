import { waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { readOutcome, type Contender, type ContenderFactory, type ContenderSetup } from './contender.ts';

function createContender(name: string, create: typeof createAuthFetch, { origin, tokens, auth }: ContenderSetup): Contender {
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
  const call = (path: string, init?: RequestInit) => client.authFetch(origin + path, init).then(readOutcome);
  return {
    name,
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
}

/**
 * A contender from any `createAuthFetch` with our contract: the repo's, or a
 * candidate core loaded with `--candidate path/to/auth-fetch.ts`, so that a
 * change to the core is measured side by side with the current one. The user
 * presses Reconnect as soon as the banner shows, unless told to wait.
 *
 * @example
 * const candidate = authFetchContenderFrom('authFetch (candidate)', (await import(path)).createAuthFetch);
 */
export function authFetchContenderFrom(name: string, create: typeof createAuthFetch): ContenderFactory {
  return { name, handlesExpiry: true, create: (setup) => createContender(name, create, setup) };
}

/**
 * Quiet Session's authFetch, wired as the app wires it.
 *
 * @example
 * const contender = authFetchContender.create({ origin, tokens, auth });
 * contender.user?.setAutoReconnect(false);
 */
export const authFetchContender: ContenderFactory = authFetchContenderFrom('authFetch', createAuthFetch);
