import { assign, createActor, fromPromise, type ActorRefFrom } from 'xstate';
import { sessionMachine, type HeldRequest, type SessionContext } from '../../../machines/session.machine.ts';
import { createBrowserSignals } from './browser-signals.ts';
import { DEV } from './dev.ts';
import { AuthExpiredError, NotReplayedError, QuietSessionError, ReauthError } from './errors.ts';
import { createHoldRegistry } from './hold-registry.ts';
import {
  allowedOriginsNow,
  assertAuthFetchOptions,
  chartInput,
  type AuthFetch,
  type AuthFetchInit,
  type AuthFetchOptions,
} from './options.ts';
import { createRequestTemplate, type RequestTemplate } from './request-template.ts';
import { createServerClock } from './server-clock.ts';
import { createSessionReport, stateLabel, type SessionReport } from './session-report.ts';
import { lastTokenClaims } from './token-claims.ts';
import { createExpiryAwareness } from './token-expiry.ts';
import { urlSummary } from './url-summary.ts';

export type { AuthFetch, AuthFetchInit, AuthFetchOptions } from './options.ts';

/** One session: its fetch, its actor, and what the banner and the app can ask of it. */
export interface AuthFetchClient {
  /** A drop-in `fetch` (plus `replay: false` for calls that must not be sent twice); works when taken off the client. */
  authFetch: AuthFetch;
  /** The running session statechart. */
  actor: ActorRefFrom<typeof sessionMachine>;
  /**
   * The banner's Reconnect and the notice's "Stay signed in": opens the sign-in popup (again, if one is
   * already open). Call it inside the click handler (popup blockers).
   */
  reconnect: () => void;
  /** The notice's "Not now": no reminder until the next token. */
  dismissReminder: () => void;
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
  /** Stops the session for good: every held request rejects with AuthExpiredError, later calls too; every listener and timer goes. */
  stop: () => void;
  /**
   * What the session did lately (its last few hundred events, validations, popups, tab-sync notes), ready for
   * JSON.stringify: for a bug report or the dev panel. Never a token, a URL, a header value or a body.
   */
  report: () => SessionReport;
  /** Adds a line to the report (tab sync's messages and lock waits, or your own adapter's): words, never secrets. */
  note: (event: string, detail?: string) => void;
}

type SessionActor = ActorRefFrom<typeof sessionMachine>;

/** setTimeout fires at once past 2^31-1 ms: a longer wait is cut there, and the chart looks again when it fires. */
const clampDelay = (ms: number | null) => (ms === null ? 2 ** 31 - 1 : Math.min(Math.max(ms, 0), 2 ** 31 - 1));
/** "Used the page recently", for the reminder. */
const activeWithinMs = 5 * 60_000;

function requestUrl(input: RequestInfo | URL): URL {
  return new URL(input instanceof Request ? input.url : input, globalThis.location?.href);
}

/** `input` when it is an absolute URL under an allowed origin, else null: most calls are, and need no URL parsed. */
function underAllowedOrigin(input: string, allowed: readonly string[]): string | null {
  for (const origin of allowed) {
    if (input.startsWith(origin) && '/?#'.includes(input[origin.length] ?? '/')) return input;
  }
  return null;
}

/**
 * Creates a session and its `authFetch`. Nothing is sent until it is called.
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
  const localNow = () => clock?.now?.() ?? Date.now();
  // Declared before the chart is made: its first context is computed while the actor is built (offset 0 then).
  let actor: SessionActor | undefined;
  const snapshot = () => actor!.getSnapshot();
  const claims = lastTokenClaims();
  /** The clock offset of the chart's step being taken: while it re-arms the timers, getSnapshot() holds the last step's. */
  let stepOffsetMs: number | null = null;
  const expiry = createExpiryAwareness({
    leadMs: options.expiryLeadMs ?? 60_000,
    now: () => localNow() + (stepOffsetMs ?? actor?.getSnapshot().context.clockOffsetMs ?? 0),
    claims,
  });
  /** A guard, delay or assignment of the chart that reads expiry, on the clock of the context it is given. */
  const inStep =
    <T>(read: () => T) =>
    ({ context }: { context: SessionContext }): T => {
      stepOffsetMs = context.clockOffsetMs;
      try {
        return read();
      } finally {
        stepOffsetMs = null;
      }
    };
  const remindBeforeMs = options.remindBeforeMs ?? 120_000;
  const signals = createBrowserSignals({ now: localNow });
  const serverClock = createServerClock({
    now: localNow,
    offset: () => snapshot().context.clockOffsetMs,
    report: (offsetMs) => snapshot().status === 'active' && actor!.send({ type: 'clock.observed', offsetMs }),
  });
  /** The token as the chart's timers read it: a getToken that throws counts as none (the calls themselves reject). */
  const currentToken = () => {
    try {
      return options.getToken();
    } catch {
      return null;
    }
  };
  /** The token the expiry timer is set for: a call with it skips reading the clock, the healthy path's dearest step. */
  let timedToken: string | null | undefined;
  /** Whether a call with `token` must wait for a validation: its expiry is near, or it is no token a header can carry. */
  const mustValidate = (token: string | null) =>
    ((token !== timedToken || (globalThis as { document?: { hidden?: boolean } }).document?.hidden === true) && expiry.isExpiring(token)) ||
    !isHeaderSafe(token);
  /** Signals handed to validate and reauthenticate: a call made with one waits on itself, so authFetch refuses it. */
  const ownSignals = new WeakSet<AbortSignal>();
  /** True while validate runs its synchronous part: a call to authFetch from there is its own. */
  let insideValidate = false;

  const report = createSessionReport({ now: localNow });

  const held = createHoldRegistry({
    announceNow: () => snapshot().hasTag('sending'),
    announce: (requests) => actor!.send({ type: 'request.held', requests }),
    withdraw: (id) => actor!.send({ type: 'request.aborted', id }),
  });

  actor = createActor(
    sessionMachine.provide({
      actors: {
        validateSession: fromPromise(async ({ signal }) => {
          const token = options.getToken();
          // A token no header can carry is as good as expired: the user signs in again.
          if (!isHeaderSafe(token)) return false;
          ownSignals.add(signal);
          let answer: Promise<boolean>;
          insideValidate = true;
          try {
            answer = options.validate({ token, signal });
          } finally {
            insideValidate = false;
          }
          const valid = await answer;
          // Not a TypeError: the chart takes those for a network failure.
          if (typeof valid !== 'boolean')
            throw new QuietSessionError(DEV ? `validate must resolve true or false, got ${typeof valid}.` : 'validate');
          if (valid) expiry.vouch(token);
          return valid;
        }),
        reauthenticate: fromPromise(async ({ signal }) => {
          ownSignals.add(signal);
          const token = await options.reauthenticate({ signal });
          // Settled after the chart moved on (signed out, stopped, another tab's token): not ours to store.
          if (signal.aborted) return;
          if (typeof token !== 'string' || token === '') {
            throw new ReauthError('Sign-in returned no token. Press Reconnect to try again.');
          }
          options.setToken(token);
        }),
        browserSignals: signals.logic,
      },
      actions: {
        replayHeldRequests: () => held.releaseAll(),
        rejectHeldRequests: ({ event }) => {
          const reason = event.type === 'session.stopped' ? 'stopped' : event.type === 'session.ended' ? 'signed-out' : 'sign-in-given-up';
          held.rejectAll(() => new AuthExpiredError(reason));
        },
        // Asked again a lead window later, not at once: a backend that keeps erroring is not asked in a loop.
        postponeExpiryCheck: () => expiry.postpone(currentToken()),
        noteExpiry: assign({
          expiresAt: inStep(() => {
            const ms = expiry.msUntilBeforeExpiry(currentToken(), 0);
            return ms === null ? null : localNow() + ms;
          }),
        }),
      },
      guards: {
        isTokenExpiring: inStep(() => expiry.isExpiring(currentToken())),
        isTokenPastExp: inStep(() => (expiry.msUntilBeforeExpiry(currentToken(), 0) ?? 1) <= 0),
        isReminderDue: inStep(() => remindBeforeMs > 0 && (expiry.msUntilBeforeExpiry(currentToken(), remindBeforeMs) ?? 1) <= 0),
        isUserActive: () => signals.lastActivityAt() > 0 && localNow() - signals.lastActivityAt() < activeWithinMs,
      },
      delays: {
        untilExpiring: inStep(() => {
          const token = currentToken();
          const ms = clampDelay(expiry.msUntilExpiring(token));
          // A timer due at once runs a task later: until it does, calls read the clock.
          timedToken = ms > 0 ? token : undefined;
          return ms;
        }),
        // 0: no notice, no timer.
        untilReminder: inStep(() => clampDelay(remindBeforeMs > 0 ? expiry.msUntilBeforeExpiry(currentToken(), remindBeforeMs) : null)),
      },
    }),
    {
      input: chartInput(options),
      ...(options.clock && { clock: options.clock }),
      // The chart's own events fill the report: nothing runs per request while the session is healthy.
      inspect: (inspection) => {
        if (inspection.type === '@xstate.snapshot' && inspection.actorRef.sessionId === inspection.rootId) {
          report.transition(inspection.event, inspection.snapshot as never);
        }
      },
    },
  );
  actor.start();

  /** The fetch to send with, read at call time so that msw and test doubles can replace it. */
  const fetchNow = () => options.fetch ?? globalThis.fetch;
  /** Stopped: nothing is sent any more. */
  const isOver = () => snapshot().status !== 'active';

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
      { method: template.method, url: urlSummary(input instanceof Request ? input.url : input), reason },
      template.signal,
      resume,
      arg,
    );
  }

  /** A call made in a session that has ended since (stopped, signed out) is not sent, least of all with the next user's token. */
  const throwIfEnded = (template: RequestTemplate) => {
    if (isOver()) throw new AuthExpiredError('stopped');
    if (snapshot().context.endedSessions !== template.session) throw new AuthExpiredError('signed-out');
  };

  /** The token to send `template` with now; none once its session ended or the token is another account's, who it would act for. */
  const tokenFor = (template: RequestTemplate) => {
    throwIfEnded(template);
    const token = options.getToken();
    if (claims(token).sub !== template.account) throw new AuthExpiredError('other-account');
    return token;
  };

  /** The one replay of a request answered 401: whatever it answers, 401 included, goes to the caller. */
  const replay = (template: RequestTemplate) => fetchNow()(...template.next(tokenFor(template))).catch(networkFailed);

  /** A redirected 401 may never have carried the token (dropped at another origin): the caller's unless the token changed. */
  const answerUnlessRenewed = (held: { template: RequestTemplate; token: string; response: Response }) =>
    options.getToken() === held.token ? Promise.resolve(held.response) : replay(held.template);

  /** fetch rejected (its TypeError: the network failed): calls made from now on wait for it. This one may have reached the backend: it rejects. */
  const networkFailed = (error: unknown): never => {
    if (error instanceof TypeError && !isOver()) actor!.send({ type: 'network.offline' });
    throw error;
  };

  /** Sends with `token`, read in the same turn; a 401 that is the session's is held for its one replay. */
  function send(template: RequestTemplate, token = tokenFor(template)): Promise<Response> {
    // A then, not an async function: one promise less on every call.
    return fetchNow()(...template.next(token)).then((response) => answered(template, token, response), networkFailed);
  }

  /** What the caller gets for `response`: itself, or, for a 401 that is the session's, a hold for the replay. */
  function answered(template: RequestTemplate, token: string | null, response: Response): Response | Promise<Response> {
    const unauthorized = response.status === 401;
    serverClock.observe(response, unauthorized);
    // Without a token there is no session to restore: a 401 is the caller's answer.
    if (!unauthorized || token === null) return response;
    // Redirected to another origin, which fetch gave no token: its 401 says nothing about this session.
    if (response.redirected && new URL(response.url).origin !== requestUrl(template.input).origin) return response;
    // Ended while this request was out (signed out, stopped): never sent again, least of all as the next user.
    throwIfEnded(template);
    if (!template.replay) {
      // Not sent again, by the caller's wish; the session still checks the token the backend refused.
      if (options.getToken() === token) actor!.send({ type: 'token.rejected' });
      throw new NotReplayedError(template.method, response.url || requestUrl(template.input).href, response);
    }
    // The token changed while this request was out: it simply used an old one. Sent again now if the session
    // would send a new call so; otherwise held like one (offline, or the new token is expiring).
    const current = options.getToken();
    if (current !== token)
      return snapshot().hasTag('sending') && !mustValidate(current) ? replay(template) : hold('unauthorized', template, replay, template);
    if (response.redirected) return hold('unauthorized', template, answerUnlessRenewed, { template, token, response });
    return hold('unauthorized', template, replay, template);
  }

  // Not async: a held call costs a promise and a callback, not a suspended function; its throws still reject, as fetch's.
  function authFetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response> {
    try {
      const state = snapshot();
      if (state.status !== 'active') throw new AuthExpiredError('stopped');
      // Other origins never see the token nor our 401 handling: hand them over untouched.
      const allowed = allowedOriginsNow(options);
      let target: Request | string | null = typeof input === 'string' ? underAllowedOrigin(input, allowed) : null;
      if (target === null) {
        const url = requestUrl(input);
        if (!allowed.includes(url.origin)) return fetchNow()(input, init);
        // From here on the URL as it is now: the caller may reuse its URL object, or the page move, before a replay.
        target = input instanceof Request ? input : url.href;
      }
      if (insideValidate || (init?.signal && ownSignals.has(init.signal))) throw calledFromOwnCallback();
      const token = options.getToken();
      const account = claims(token).sub;
      const session = state.context.endedSessions;
      // The hot path (a URL alone, in a good session): nothing kept before the send, a 401 rebuilds its template.
      if (init === undefined && typeof target === 'string' && state.hasTag('sending') && !mustValidate(token)) {
        const url = target;
        return fetchNow()(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } }).then((response) => {
          if (response.status === 401) return answered(createRequestTemplate(url, undefined, account, session), token, response);
          serverClock.observe(response);
          return response;
        }, networkFailed);
      }
      const template = createRequestTemplate(target, init, account, session);
      if (template.hasOwnAuthorization) return fetchNow()(...template.next(null));
      // Held while the session holds, or when the token is known to be expiring (then the chart validates first).
      if (!state.hasTag('sending') || mustValidate(token)) return hold('unsent', template, send, template);
      return send(template, token);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  return {
    authFetch,
    actor,
    reconnect: () => actor!.send({ type: 'reauth.requested' }),
    dismissReminder: () => actor!.send({ type: 'reminder.dismissed' }),
    adoptToken: (token) => {
      // A wiring mistake, caught in development like the options' (production drops the check).
      if (DEV && (typeof token !== 'string' || token === '')) throw new TypeError('adoptToken: expected a non-empty token string.');
      if (isOver()) return;
      options.setToken(token);
      actor!.send({ type: 'token.adopted' });
    },
    endSession: () => actor!.send({ type: 'session.ended' }),
    reconnectingElsewhere: (reconnecting) => actor!.send({ type: reconnecting ? 'reauth.startedElsewhere' : 'reauth.endedElsewhere' }),
    // The chart's final state: every held call is given up, its timers and the browser's listeners go with it.
    stop: () => {
      if (!isOver()) actor!.send({ type: 'session.stopped' });
    },
    report: () => {
      const { value, context } = snapshot();
      return {
        format: 'quiet-session-report/1',
        createdAt: new Date(localNow()).toISOString(),
        state: stateLabel(value),
        held: context.queue.length,
        clockOffsetMs: context.clockOffsetMs,
        expiresAt: context.expiresAt === null ? null : new Date(context.expiresAt).toISOString(),
        limits: context.limits,
        lastReauthError: context.lastReauthError?.name ?? null,
        entries: report.entries(),
      };
    },
    note: report.note,
  };
}

let headerSafe: string | null = null;
/** True when `token` fits in a header: fetch's TypeError for one that does not would quote it to error trackers. */
function isHeaderSafe(token: string | null): boolean {
  if (token === null || token === headerSafe) return true;
  if (!/^[\x21-\x7e]+$/.test(token)) return false;
  headerSafe = token;
  return true;
}

const calledFromOwnCallback = () =>
  new QuietSessionError(
    DEV
      ? 'authFetch was called from validate (or reauthenticate): that call would wait behind the very check it is part of. Call fetch with the token validate is given.'
      : 'validate',
  );
