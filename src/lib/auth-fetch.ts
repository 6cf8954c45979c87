import { createActor, fromPromise, type ActorRefFrom } from 'xstate';
import { sessionMachine, type HeldRequest } from '../../machines/session.machine.ts';
import { AuthExpiredError, QuietSessionError, ReauthError } from './auth-errors.ts';
import { DEV } from './dev.ts';
import { allowedOriginsNow, assertAuthFetchOptions, type AuthFetchOptions } from './auth-fetch-options.ts';
import { createHeldRequests } from './held-requests.ts';
import { createRequestTemplate } from './request-template.ts';
import { watchSessionSignals } from './session-signals.ts';
import { createExpiryAwareness } from './token-expiry.ts';
import { withTimeout } from './with-timeout.ts';

export type { AuthFetchOptions } from './auth-fetch-options.ts';

/** One session: its fetch, its actor, and the banner's button. */
export interface AuthFetchClient {
  /** A drop-in `fetch`; works when taken off the client. */
  authFetch: typeof fetch;
  /** The running session statechart. */
  actor: ActorRefFrom<typeof sessionMachine>;
  /** The banner's button: needsReauth → reauthenticating. Call it inside the click handler (popup blockers). */
  reconnect: () => void;
  /**
   * Adopts a token obtained elsewhere (a fresh sign-in, another tab): stores it
   * and, if requests are held, lets them go with it.
   */
  adoptToken: (token: string) => void;
  /** Stops the session; every held request rejects with AuthExpiredError, later calls too. */
  stop: () => void;
}

function requestUrl(input: RequestInfo | URL): URL {
  if (input instanceof Request) return new URL(input.url);
  return new URL(input, globalThis.location?.href);
}

function summarize(id: string, request: Request, reason: HeldRequest['reason']): HeldRequest {
  const url = new URL(request.url);
  return { id, method: request.method, url: url.origin + url.pathname, reason };
}

/**
 * Creates a session and its `authFetch`. Nothing runs until it is called.
 *
 * @example
 * const client = createAuthFetch({
 *   getToken: () => localStorage.getItem('token'),
 *   setToken: (token) => localStorage.setItem('token', token),
 *   validate: async ({ token, signal }) => (await fetch('/auth/me', { headers: { Authorization: `Bearer ${token}` }, signal })).ok,
 *   reauthenticate: ({ signal }) => openSignInPopup({ signal }),
 * });
 * const response = await client.authFetch('/api/credits');
 */
export function createAuthFetch(options: AuthFetchOptions): AuthFetchClient {
  // Wiring mistakes are caught in development and tests; production drops the checks and their prose.
  if (DEV) assertAuthFetchOptions(options);
  const held = createHeldRequests();
  const validationTimeoutMs = options.validationTimeoutMs ?? 5_000;
  const clockNow = (options.clock as { now?: () => number } | undefined)?.now?.bind(options.clock);
  const expiry = createExpiryAwareness({ leadMs: options.expiryLeadMs ?? 60_000, now: clockNow ?? (() => Date.now()) });
  let lastId = 0;
  let stopped = false;

  const actor = createActor(
    sessionMachine.provide({
      actors: {
        validateSession: fromPromise(async ({ signal }) => {
          const token = options.getToken();
          const valid = await withTimeout(validationTimeoutMs, signal, (timed) => options.validate({ token, signal: timed }));
          if (typeof valid !== 'boolean') throw new TypeError(DEV ? `validate must resolve true or false, got ${typeof valid}.` : 'validate');
          // The backend is the judge: a token it accepts is not held again for its `exp`.
          if (valid) expiry.vouch(token);
          return valid;
        }),
        reauthenticate: fromPromise(async ({ signal }) => {
          const token = await options.reauthenticate({ signal });
          if (typeof token !== 'string' || token === '') {
            throw new ReauthError('Re-authentication finished without a token. Press Reconnect to try again.');
          }
          options.setToken(token);
        }),
      },
      actions: {
        replayHeldRequests: ({ context }) => context.queue.forEach((request) => held.settle(request.id)),
        rejectHeldRequests: ({ context }) => {
          const given = context.lastReauthError?.message ?? 'sign-in failed';
          for (const request of context.queue) {
            held.settle(
              request.id,
              new AuthExpiredError(
                `Gave up on ${request.method} ${request.url} after ${context.reauthFailures} failed sign-ins (last: ${given}). ` +
                  'It was not sent; reconnect, then try again.',
              ),
            );
          }
        },
      },
    }),
    { input: { limits: options.limits }, ...(options.clock ? { clock: options.clock } : {}) },
  ).start();
  const stopWatching = watchSessionSignals({ actor, expiry, getToken: options.getToken });

  /** Parks the caller until the machine lets its request go. */
  function hold(type: 'request.held' | 'request.unauthorized', request: Request): Promise<void> {
    if (request.signal.aborted) return Promise.reject(request.signal.reason);
    const id = String(++lastId);
    const reason = type === 'request.held' ? 'unsent' : 'unauthorized';
    const released = held.wait(id, request.signal, () => actor.send({ type: 'request.aborted', id }));
    actor.send({ type, request: summarize(id, request, reason) });
    return released;
  }

  async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (stopped) throw new AuthExpiredError('authFetch was called after its session was stopped; the request was not sent.');
    const send = options.fetch ?? globalThis.fetch;
    // Other origins never see the token nor our 401 handling: hand them over untouched.
    if (!allowedOriginsNow(options).includes(requestUrl(input).origin)) return send(input, init);
    const template = createRequestTemplate(input, init);
    if (template.hasOwnAuthorization) return send(template.next(null));

    // Held while the session is not active, or when the token is known to be expiring (then the chart validates first).
    if (actor.getSnapshot().value !== 'active' || expiry.isExpiring(options.getToken())) {
      await hold('request.held', template.request);
    }
    const token = options.getToken();
    const response = await send(template.next(token));
    // Without a token there is no session to restore: a 401 is the caller's answer.
    if (response.status !== 401 || token === null) return response;
    void response.body?.cancel().catch(() => {});
    // The token changed while this request was out: it simply used an old one.
    if (options.getToken() !== token) return send(template.next(options.getToken()));
    await hold('request.unauthorized', template.request);
    // The one replay: whatever it answers, 401 included, goes to the caller.
    return send(template.next(options.getToken()));
  }

  return {
    authFetch,
    actor,
    reconnect: () => actor.send({ type: 'reauth.requested' }),
    adoptToken: (token) => {
      if (typeof token !== 'string' || token === '') throw new TypeError(DEV ? 'adoptToken: expected a non-empty token string.' : 'adoptToken');
      options.setToken(token);
      actor.send({ type: 'token.adopted' });
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      stopWatching();
      held.settleAll(
        () => new AuthExpiredError('The session was stopped while this request was held; it was not sent.'),
      );
      actor.stop();
    },
  };
}

let installed: AuthFetchClient | null = null;

/**
 * Makes `client` the one behind the app-wide `authFetch`. Returns an undo.
 *
 * @example
 * const uninstall = installAuthFetch(createAuthFetch(options));
 */
export function installAuthFetch(client: AuthFetchClient): () => void {
  installed = client;
  return () => {
    if (installed === client) installed = null;
  };
}

/**
 * The app-wide `authFetch`: the installed client's. Rejects with a clear
 * error when none is installed, rather than sending without a token.
 *
 * @example
 * const credits = await (await authFetch('/api/credits')).json();
 */
export const authFetch: typeof fetch = (input, init) => {
  if (!installed) {
    return Promise.reject(
      new QuietSessionError(
        DEV ? 'authFetch was called before installAuthFetch(createAuthFetch(...)); wire it in main.tsx.' : 'installAuthFetch',
      ),
    );
  }
  return installed.authFetch(input, init);
};
