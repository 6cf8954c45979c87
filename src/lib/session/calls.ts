import type { ActorRefFrom } from 'xstate';
import type { HeldRequest, sessionMachine } from '../../../machines/session.machine.ts';
import { DEV } from './dev.ts';
import { abortedWith, buildable, safeMethods } from './fetch-failure.ts';
import { AuthExpiredError, NotReplayedError, QuietSessionError } from './errors.ts';
import type { HoldRegistry } from './hold-registry.ts';
import { allowedOriginsNow, type AuthFetchInit, type AuthFetchOptions } from './options.ts';
import { isHeaderSafe, noteRefused, type OwnWork } from './own-work.ts';
import { createRequestTemplate, type RequestTemplate } from './request-template.ts';
import { requestUrl, underAllowedOrigin, urlOf } from './request-url.ts';
import { accountIn, type TokenClaims } from './token-claims.ts';
import type { ExpiryAwareness } from './token-expiry.ts';
import { urlSummary } from './url-summary.ts';

/** What authFetch works with. */
export interface CallParts {
  options: AuthFetchOptions;
  actor: ActorRefFrom<typeof sessionMachine>;
  held: HoldRegistry;
  claims: (token: string | null) => TokenClaims;
  expiry: ExpiryAwareness;
  serverClock: { observe(response: Response, force?: boolean, sentTo?: Request | string): void };
  own: OwnWork;
}

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

/** Lets go of an answer nobody will read: unread, Node keeps its connection and a browser its stream until collected. */
// A fetch of one's own may give bodies with no cancel (node-fetch's are Node streams): those are left to be collected.
const release = (response?: Response) => void response?.body?.cancel?.().catch(() => {});

/** How many times in all a safe call is sent while the network keeps cutting it off. */
const CUT_OFF_SENDS = 3;

/**
 * The session's `authFetch`: sends, holds, replays, as the chart says.
 *
 * @example
 * const authFetch = createAuthFetchCall({ options, actor, held, claims, expiry, serverClock, own });
 */
export function createAuthFetchCall(parts: CallParts): (input: RequestInfo | URL, init?: AuthFetchInit) => Promise<Response> {
  const { options, actor, held, claims, expiry, serverClock, own } = parts;
  const snapshot = () => actor.getSnapshot();
  /** True while a request is being handed to fetch: authFetch entered then is that fetch (`globalThis.fetch = authFetch`). */
  let handing = false;
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
  const isOver = () => snapshot().status !== 'active';
  /** Who `token` acts for, comparable by value; no token is nobody, never the account of a token that names none (opaque). */
  const accountOf = (token: string | null) => (token === null ? null : accountIn(claims(token)));

  /** Whether a call with `token` must wait for a validation: its expiry is near, or it is no token a header can carry. */
  const mustValidate = (token: string | null) =>
    ((token !== own.timedToken || (globalThis as { document?: { hidden?: boolean } }).document?.hidden === true) &&
      expiry.isExpiring(token)) ||
    !isHeaderSafe(token);

  /** Parks the caller until the chart lets its request go, then answers it with `resume(arg)`. */
  function hold<A>(
    reason: HeldRequest['reason'],
    template: RequestTemplate,
    resume: (arg: A) => Promise<Response>,
    arg: A,
  ): Promise<Response> {
    // Already aborted: rejects with the signal's reason, never held.
    template.signal?.throwIfAborted();
    const { input } = template;
    return held.hold(
      { method: template.method, url: urlSummary(input instanceof Request ? urlOf(input) : input), reason },
      template.signal,
      resume,
      arg,
    );
  }

  /** A call made in a session that has ended since (stopped, signed out) is not sent, least of all with the next user's token. */
  const throwIfEnded = (template: RequestTemplate, answer?: Response) => {
    if (isOver() || snapshot().context.endedSessions !== template.session) {
      // The answer it got (a 401) is read by nobody then.
      release(answer);
      throw new AuthExpiredError(isOver() ? 'stopped' : 'signed-out');
    }
  };

  /** The token to send `template` with now; none once its session ended or the token is another account's, who it would act for. */
  const tokenFor = (template: RequestTemplate) => {
    throwIfEnded(template);
    const token = options.getToken();
    // No token at all: signed out in another tab, whose word reaches this session a moment later.
    if (accountOf(token) !== template.account) throw new AuthExpiredError(token === null ? 'signed-out' : 'other-account');
    return token;
  };

  /**
   * fetch rejected (its TypeError: the network failed): calls made from now on wait for it, and so does this one if
   * `template` says it may be sent again (then by `again`: `resend` before any 401, `replay` after one); otherwise it
   * may have reached the backend, and rejects. A request fetch would not even build (a URL with credentials, a GET
   * with a body) is its caller's mistake, not the network's.
   */
  const networkFailed = (
    error: unknown,
    sent: Parameters<typeof fetch>,
    template?: () => RequestTemplate,
    sends = 1,
    again = resend,
  ): Promise<Response> => {
    if (!(error instanceof TypeError) || isOver() || abortedWith(sent, error) || !buildable(sent)) throw error;
    actor.send({ type: 'network.offline' });
    const waiting = template?.();
    // Safe methods (RFC 9110 §9.2.1) may be sent again; an aborted signal is its caller's, even as the network failed.
    if (!waiting?.replay || !waiting.replayable || !safeMethods.has(waiting.method.toUpperCase()) || waiting.signal?.aborted) throw error;
    // Signed out, or another account's token, since it went out: it would never be sent again, so it is not held.
    tokenFor(waiting);
    return hold('unsent', waiting, (held) => again(held, sends), waiting);
  };

  /** A call cut off at its `sends`th send is held again until its `CUT_OFF_SENDS`th: a flaky network, not a route that always fails. */
  const heldAgain = (template: RequestTemplate, sends: number) => (sends < CUT_OFF_SENDS ? () => template : undefined);

  /** A safe request cut off before any 401, sent again: its 401 is still the session's, held for the one replay. */
  const resend = (template: RequestTemplate, sendsBefore: number) => send(template, tokenFor(template), sendsBefore + 1);

  /**
   * A request sent again after a 401: whatever it answers goes to the caller, but for a safe one cut off, held again
   * (and sent by this same function: a 401 is replayed once).
   */
  const replay = (template: RequestTemplate, sendsBefore = 1): Promise<Response> => {
    const sends = sendsBefore + 1;
    const token = tokenFor(template);
    // Stored since the check that let it go (another tab's write, the app's setToken): waits as a new call with it would.
    if (!isHeaderSafe(token)) return hold('unauthorized', template, replay, template);
    const sent = template.next(token);
    return fetchNow(...sent).then(
      (response) => {
        // An answer like any other: its Date tells the backend's clock (a replay may be the first answer since offline).
        serverClock.observe(response, response.status === 401, template.input);
        return response;
      },
      (error: unknown) => networkFailed(error, sent, heldAgain(template, sends), sends, replay),
    );
  };

  /** A redirected 401 may never have carried the token (dropped at another origin): the caller's unless the token changed. */
  const answerUnlessRenewed = (out: { template: RequestTemplate; token: string; response: Response }) => {
    // Let go in the turn the session ended (stopped, signed out): given up as every held call is.
    throwIfEnded(out.template);
    if (options.getToken() === out.token) return Promise.resolve(out.response);
    release(out.response);
    return replay(out.template);
  };

  /** Sends with `token`, read in the same turn (its `sends`th send, those before cut off); a 401 that is the session's is held for its one replay. */
  function send(template: RequestTemplate, token = tokenFor(template), sends = 1): Promise<Response> {
    // fetch's TypeError would quote it, and read as the network's: the call waits for the check that asks for a sign-in.
    if (!isHeaderSafe(token)) return hold('unsent', template, send, template);
    // A then, not an async function: one promise less on every call.
    const sent = template.next(token);
    return fetchNow(...sent).then(
      (response) => answered(template, token, response),
      (error: unknown) => networkFailed(error, sent, heldAgain(template, sends), sends),
    );
  }

  /** What the caller gets for `response`: itself, or, for a 401 that is the session's, a hold for the replay. */
  function answered(template: RequestTemplate, token: string | null, response: Response): Response | Promise<Response> {
    const unauthorized = response.status === 401;
    serverClock.observe(response, unauthorized, template.input);
    // Without a token there is no session to restore: a 401 is the caller's answer.
    if (!unauthorized || token === null) return response;
    // Redirected to another origin, which fetch gave no token: its 401 says nothing about this session.
    if (response.redirected && new URL(response.url).origin !== requestUrl(template.input).origin) return response;
    // Ended while this request was out (signed out, stopped): never sent again, least of all as the next user.
    throwIfEnded(template, response);
    if (!template.replay) {
      // Not sent again, by the caller's wish; the session still checks the token the backend refused.
      if (options.getToken() === token) actor.send({ type: 'token.rejected' });
      throw new NotReplayedError(template.method, response.url || requestUrl(template.input).href, response);
    }
    // The token changed while this request was out: sent again now if a new call would be; otherwise held like one.
    const current = options.getToken();
    if (current !== token && snapshot().hasTag('sending') && !mustValidate(current)) {
      release(response);
      return replay(template);
    }
    // Held with the token changed too: the token it went with may be back when it is let go (another tab's late message).
    if (response.redirected)
      return hold('unauthorized', template, answerUnlessRenewed, { template, token, response }).catch((error: unknown) => {
        // Given up (stopped, signed out, aborted): its 401 goes unread.
        release(response);
        throw error;
      });
    // A token a tab's late message brings back, never checked here: no call goes again with the very token answered 401.
    if (current !== token) noteRefused(own, token);
    // Held for the replay, whose answer the caller gets: this one is let go now, not held open while the user signs in.
    release(response);
    return hold('unauthorized', template, replay, template);
  }

  // Not async: a held call costs a promise and a callback, not a suspended function; its throws still reject, as fetch's.
  return function authFetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response> {
    try {
      // Each call would call itself until the stack overflows: said plainly instead.
      if (handing) throw sendsToItself();
      const state = snapshot();
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
      const account = accountOf(token);
      const session = state.context.endedSessions;
      // The hot path (a URL alone, in a good session): nothing kept before the send, a 401 rebuilds its template.
      // Stryker disable next-line StringLiteral,BlockStatement: performance only: the template path below sends the same arguments and answers alike
      if (init === undefined && typeof target === 'string' && state.hasTag('sending') && !mustValidate(token)) {
        const url = target;
        return fetchNow(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } }).then(
          (response) => {
            // Stryker disable next-line ConditionalExpression: performance only: answered gives any other status the same answer
            if (response.status === 401) return answered(createRequestTemplate(url, undefined, account, session), token, response);
            serverClock.observe(response, false, url);
            return response;
          },
          (error: unknown) => networkFailed(error, [url], () => createRequestTemplate(url, undefined, account, session)),
        );
      }
      const template = createRequestTemplate(target, init, account, session);
      if (template.hasOwnAuthorization) return fetchNow(...template.next(null));
      // Held while the session holds, or when the token is known to be expiring (then the chart validates first).
      if (!state.hasTag('sending') || mustValidate(token)) {
        // A request fetch would refuse at once is refused now, not after a sign-in or a wait for the network.
        template.assertBuildable();
        return hold('unsent', template, send, template);
      }
      return send(template, token);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
