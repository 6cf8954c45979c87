import { createActor, fromPromise, type ActorRefFrom } from 'xstate';
import { sessionMachine, type HeldRequest } from '../../../machines/session.machine.ts';
import { AuthExpiredError, ReauthError } from './errors.ts';
import { DEV } from './dev.ts';
import { allowedOriginsNow, assertAuthFetchOptions, type AuthFetchOptions } from './options.ts';
import { createHeldRequests } from './hold-registry.ts';
import { urlSummary } from './url-summary.ts';
import { createRequestTemplate, type RequestTemplate } from './request-template.ts';
import { watchSessionSignals } from './browser-signals.ts';
import { lastTokenClaims } from './token-claims.ts';
import { createExpiryAwareness } from './token-expiry.ts';
import { withTimeout } from './with-timeout.ts';

export type { AuthFetchOptions } from './options.ts';

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
  /**
   * The user signed out (here, or in another tab): held requests are given up with AuthExpiredError,
   * never replayed with the next user's token, and none out is sent again. The session goes on.
   */
  endSession: () => void;
  /** Another tab opened (true) or closed (false) the sign-in popup: the banner follows it. */
  reconnectingElsewhere: (reconnecting: boolean) => void;
  /** Stops the session; every held request rejects with AuthExpiredError, later calls too. */
  stop: () => void;
}

function requestUrl(input: RequestInfo | URL): URL {
  return new URL(input instanceof Request ? input.url : input, globalThis.location?.href);
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
  const clock = options.clock as { now?: () => number } | undefined;
  const claims = lastTokenClaims();
  const expiry = createExpiryAwareness({ leadMs: options.expiryLeadMs ?? 60_000, now: () => clock?.now?.() ?? Date.now(), claims });
  let lastId = 0;
  let stopped = false;
  /** Counts the ends of the session (sign-out, stop): a call out at that moment is never sent again. */
  let ends = 0;

  const actor = createActor(
    sessionMachine.provide({
      actors: {
        validateSession: fromPromise(async ({ signal }) => {
          const token = options.getToken();
          const valid = await withTimeout(options.validationTimeoutMs ?? 5_000, signal, (timed) => options.validate({ token, signal: timed }));
          if (typeof valid !== 'boolean') throw new TypeError(DEV ? `validate must resolve true or false, got ${typeof valid}.` : 'validate');
          // The backend is the judge: a token it accepts is not held again for its `exp`.
          if (valid) expiry.vouch(token);
          return valid;
        }),
        reauthenticate: fromPromise(async ({ signal }) => {
          const token = await options.reauthenticate({ signal });
          if (typeof token !== 'string' || token === '') {
            throw new ReauthError('Sign-in returned no token. Press Reconnect to try again.');
          }
          options.setToken(token);
        }),
      },
      // Each takes along the holds not yet told to the chart: held all the same, they go with the queue.
      actions: {
        replayHeldRequests: ({ context }) => [...context.queue, ...untold.splice(0)].forEach((request) => held.settle(request.id)),
        // Sign-in given up, or signed out (why sign-in failed is in context.lastReauthError, which the banner shows).
        rejectHeldRequests: ({ context, event }) => {
          // Signed out: a call still out is not sent again either (sign-in given up is the same user, going on).
          if (event.type === 'session.ended') ends++;
          [...context.queue, ...untold.splice(0)].forEach((request) => held.settle(request.id, sessionEnded()));
        },
      },
    }),
    // The chart reads its limits from the options, and nothing else.
    { input: options, ...(options.clock && { clock: options.clock }) },
  ).start();
  // An aborted hold not yet told to the chart is told first, so that the chart drops it like any other.
  const held = createHeldRequests((id) => {
    tell();
    actor.send({ type: 'request.aborted', id });
  });
  const stopWatching = watchSessionSignals({ actor, expiry, getToken: options.getToken });

  /** The fetch to send with, read at call time so that msw and test doubles can replace it. */
  const fetchNow = () => options.fetch ?? globalThis.fetch;

  /**
   * Parks the caller until the machine lets its request go, then answers it with `then(template)`.
   * It may throw: its callers turn that into a rejection (authFetch's try, send being async).
   */
  function hold(reason: HeldRequest['reason'], template: RequestTemplate, then: (template: RequestTemplate) => Promise<Response>): Promise<Response> {
    // Already aborted: rejects with the signal's reason, never held.
    template.signal?.throwIfAborted();
    const id = String(++lastId);
    // One promise per held call, the caller's own: thousands can wait at once.
    const released = held.wait(id, template.signal, then, template);
    // Input is a Request or an absolute URL here; without a query, urlSummary gives back the very string the template keeps.
    const { input } = template;
    const request = { id, method: template.method, url: urlSummary(input instanceof Request ? input.url : input), reason };
    // The first hold is told at once: it takes the session out of `active`. Those that follow while it holds
    // (a 401 storm answers one by one) are told a turn later, together: one event for them all, not one each.
    if (untold.push(request) === 1) {
      if (actor.getSnapshot().value === 'active') tell();
      else setTimeout(tell);
    }
    return released;
  }

  /** Holds not yet told to the chart (the replay and reject actions take them along, so no leftover is ever told to `active`). */
  const untold: HeldRequest[] = [];
  /** Tells the chart of the untold holds. */
  function tell() {
    if (untold.length) actor.send({ type: 'request.held', requests: untold.splice(0) });
  }

  /**
   * The token to send `template` with now: the current one, unless it speaks for another account than the
   * call was made for (someone else signed in, here or in another tab). Such a call is not sent: it would act for them.
   */
  const tokenFor = (template: RequestTemplate) => {
    const token = options.getToken();
    if (claims(token).sub !== template.account) throw sessionEnded();
    return token;
  };

  /** The one replay of a request answered 401: whatever it answers, 401 included, goes to the caller. */
  const replay = (template: RequestTemplate) => fetchNow()(...template.next(tokenFor(template)));

  /**
   * Sends with the current token; on a 401 that is the session's, holds the request for its one replay.
   * `token`: the one authFetch has just read for this call, in the same turn (a held call reads it when let go).
   */
  async function send(template: RequestTemplate, token = tokenFor(template)): Promise<Response> {
    // Let go just before stop(): nothing is sent after it, and no 401 could be held by a stopped chart.
    if (stopped) throw sessionEnded();
    const session = ends;
    const response = await fetchNow()(...template.next(token));
    // Without a token there is no session to restore: a 401 is the caller's answer.
    if (response.status !== 401 || token === null) return response;
    // Redirected to another origin, which fetch gave no token: its 401 says nothing about this session.
    if (response.redirected && new URL(response.url).origin !== requestUrl(template.input).origin) return response;
    // The session ended while this request was out (signed out, stopped): it is not sent again, least of all
    // with the next user's token.
    if (session !== ends) throw sessionEnded();
    // The token changed while this request was out: it simply used an old one.
    if (options.getToken() !== token) return replay(template);
    return hold('unauthorized', template, replay);
  }

  // Not async itself: a held call then costs one promise and one callback, not a suspended function
  // (which would keep every local alive while it waits). Its own throws become rejections, like fetch's.
  function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    try {
      if (stopped) throw sessionEnded();
      // Other origins never see the token nor our 401 handling: hand them over untouched.
      const url = requestUrl(input);
      if (!allowedOriginsNow(options).includes(url.origin)) return fetchNow()(input, init);
      // From here on the URL as it is now: the caller may reuse its URL object, or the page move, before a replay.
      input = input instanceof Request ? input : url.href;
      const token = options.getToken();
      const template = createRequestTemplate(input, init, claims(token).sub);
      if (template.hasOwnAuthorization) return fetchNow()(...template.next(null));
      // Held while the session is not active, or when the token is known to be expiring (then the chart validates first).
      if (actor.getSnapshot().value !== 'active' || expiry.isExpiring(token)) return hold('unsent', template, send);
      return send(template, token);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  return {
    authFetch,
    actor,
    reconnect: () => actor.send({ type: 'reauth.requested' }),
    endSession: () => actor.send({ type: 'session.ended' }),
    reconnectingElsewhere: (reconnecting) => actor.send({ type: reconnecting ? 'reauth.startedElsewhere' : 'reauth.endedElsewhere' }),
    adoptToken: (token) => {
      // A wiring mistake, caught in development like the options' (production drops the check).
      if (DEV && (typeof token !== 'string' || token === '')) throw new TypeError('adoptToken: expected a non-empty token string.');
      options.setToken(token);
      actor.send({ type: 'token.adopted' });
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      stopWatching();
      // The session ends as at sign-out (every held call rejects, none out is sent again), then the chart stops:
      // a microtask later, for stop() may come while the chart is busy (from a subscriber, or validate), and then
      // the end waits in its mailbox until the current event is done; stopping at once would throw it away.
      actor.send({ type: 'session.ended' });
      queueMicrotask(() => actor.stop());
    },
  };
}

/**
 * For every call a session that ended will not send: stopped (held calls, late 401s, later calls), signed out,
 * another account signed in, or sign-in given up. The app's components show its message: plain words, one for all.
 */
const sessionEnded = () => new AuthExpiredError('The session ended: request not sent.');
