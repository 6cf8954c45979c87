import { accountOf, type CallParts, hold, mustValidate, tokenFor } from './call-session.ts';
import { DEV } from './dev.ts';
import { AuthExpiredError, QuietSessionError } from './errors.ts';
import { heldAgain, networkFailed } from './network-failure.ts';
import { allowedOriginsNow, type AuthFetchInit } from './options.ts';
import { isHeaderSafe } from './own-work.ts';
import { createRequestTemplate, type RequestTemplate } from './request-template.ts';
import { requestUrl, underAllowedOrigin } from './request-url.ts';
import { createUnauthorizedAnswer } from './unauthorized-answer.ts';

const calledFromOwnCallback = () =>
  new QuietSessionError(
    DEV
      ? 'authFetch was called from validate (or reauthenticate): that call would wait behind the very check it is part of. Call fetch with the token validate is given.'
      : 'validate',
  );

const sendsToItself = () =>
  new QuietSessionError(
    DEV
      ? 'globalThis.fetch is authFetch, which sends with it: pass the platform fetch, taken before you replaced globalThis.fetch, as options.fetch (and call that one in validate).'
      : 'fetch',
  );

/**
 * The session's `authFetch`: sends, holds, replays, as the chart says.
 *
 * @example
 * const authFetch = createAuthFetchCall({ options, actor, held, claims, expiry, serverClock, own });
 */
export function createAuthFetchCall(parts: CallParts): (input: RequestInfo | URL, init?: AuthFetchInit) => Promise<Response> {
  const { options, actor, serverClock, own } = parts;
  /** True while a request is being handed to fetch: authFetch entered then is that fetch (`globalThis.fetch = authFetch`). */
  let handing = false;
  /** The last token sent on the hot path (none yet) and its header value: built once per token, one string fetch reads every call. */
  let bearerOf: string | null | undefined;
  let bearer!: string;
  /** Sends with the fetch read at call time, so that msw and test doubles can replace it. */
  const fetchNow = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const platform = options.fetch ?? globalThis.fetch;
    handing = true;
    try {
      return platform(input, init);
    } finally {
      handing = false;
    }
  };

  /** A safe request cut off before any 401, sent again: its 401 is still the session's, held for the one replay. */
  const resend = (template: RequestTemplate, sendsBefore: number) => send(template, tokenFor(parts, template), sendsBefore + 1);

  /**
   * A request sent again after a 401: whatever it answers goes to the caller, but for a safe one cut off, held again
   * (and sent by this same function: a 401 is replayed once).
   */
  const replay = (template: RequestTemplate, sendsBefore = 1): Promise<Response> => {
    const sends = sendsBefore + 1;
    const token = tokenFor(parts, template);
    // Stored since the check that let it go (another tab's write, the app's setToken): waits as a new call with it would.
    if (!isHeaderSafe(token)) return hold(parts, 'unauthorized', template, replay, template);
    const sent = template.next(token);
    const sentAt = serverClock.sending();
    return fetchNow(...sent).then(
      (response) => {
        // An answer like any other: its Date tells the backend's clock (a replay may be the first answer since offline).
        serverClock.observe(response, sentAt, response.status === 401, template.input);
        return response;
      },
      (error: unknown) => networkFailed(parts, error, sent, heldAgain(template, sends), sends, replay),
    );
  };

  const answered = createUnauthorizedAnswer(parts, replay);

  /** Sends with `token`, read in the same turn (its `sends`th send, those before cut off); a 401 that is the session's is held for its one replay. */
  function send(template: RequestTemplate, token = tokenFor(parts, template), sends = 1): Promise<Response> {
    // fetch's TypeError would quote it, and read as the network's: the call waits for the check that asks for a sign-in.
    if (!isHeaderSafe(token)) return hold(parts, 'unsent', template, send, template);
    // A then, not an async function: one promise less on every call.
    const sent = template.next(token);
    const sentAt = serverClock.sending();
    return fetchNow(...sent).then(
      (response) => answered(template, token, response, sentAt),
      (error: unknown) => networkFailed(parts, error, sent, heldAgain(template, sends), sends, resend),
    );
  }

  // Not async: a held call costs a promise and a callback, not a suspended function; its throws still reject, as fetch's.
  return function authFetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response> {
    try {
      // Each call would call itself until the stack overflows: said plainly instead.
      if (handing) throw sendsToItself();
      const state = actor.getSnapshot();
      if (state.status !== 'active') throw new AuthExpiredError('stopped');
      // Other origins never see the token nor our 401 handling: hand them over untouched.
      const allowed = allowedOriginsNow(options);
      let target: Request | string | null = typeof input === 'string' ? underAllowedOrigin(input, allowed) : null;
      if (target === null) {
        const url = requestUrl(input);
        // A blob: URL bears its page's origin but is read from memory: no server to hold it for, no network to miss.
        if (url.protocol === 'blob:' || !allowed.includes(url.origin)) return fetchNow(input, init);
        // From here on the URL as it is now: the caller may reuse its URL object, or the page move, before a replay.
        target = input instanceof Request ? input : url.href;
      }
      if (own.insideValidate || (init?.signal && own.signals.has(init.signal))) throw calledFromOwnCallback();
      const token = options.getToken();
      const account = accountOf(parts, token);
      const session = state.context.endedSessions;
      // The hot path (a URL alone, in a good session): nothing kept before the send, a 401 rebuilds its template.
      // Stryker disable next-line StringLiteral,BlockStatement: performance only: the template path below sends the same arguments and answers alike
      if (init === undefined && typeof target === 'string' && state.hasTag('sending') && !mustValidate(parts, token)) {
        const url = target;
        // Stryker disable next-line ConditionalExpression: a cache only; built anew, the header is the same
        if (token !== bearerOf) bearer = `Bearer ${(bearerOf = token)}`;
        const sentAt = serverClock.sending();
        return fetchNow(url, { headers: token === null ? {} : { authorization: bearer } }).then(
          (response) => {
            // Stryker disable next-line ConditionalExpression: performance only: answered gives any other status the same answer
            if (response.status === 401) return answered(createRequestTemplate(url, undefined, account, session), token, response, sentAt);
            serverClock.observe(response, sentAt, false, url);
            return response;
          },
          (error: unknown) => networkFailed(parts, error, [url], () => createRequestTemplate(url, undefined, account, session), 1, resend),
        );
      }
      const template = createRequestTemplate(target, init, account, session);
      if (template.hasOwnAuthorization) return fetchNow(...template.next(null));
      // Held while the session holds, or when the token is known to be expiring (then the chart validates first).
      if (!state.hasTag('sending') || mustValidate(parts, token)) {
        // A request fetch would refuse at once is refused now, not after a sign-in or a wait for the network.
        template.assertBuildable();
        return hold(parts, 'unsent', template, send, template);
      }
      return send(template, token);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
