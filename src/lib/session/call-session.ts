import type { ActorRefFrom } from 'xstate';
import type { HeldRequest, sessionMachine } from '../../../machines/session.machine.ts';
import { AuthExpiredError } from './errors.ts';
import type { HoldRegistry } from './hold-registry.ts';
import type { AuthFetchOptions } from './options.ts';
import { isHeaderSafe, type OwnWork } from './own-work.ts';
import type { RequestTemplate } from './request-template.ts';
import { urlOf } from './request-url.ts';
import { accountIn, type TokenClaims } from './token-claims.ts';
import type { ExpiryAwareness } from './token-expiry.ts';
import { urlSummary } from './url-summary.ts';

/** What authFetch works with: the session a call asks, through the functions below, whether and how to go. */
export interface CallParts {
  options: AuthFetchOptions;
  actor: ActorRefFrom<typeof sessionMachine>;
  held: HoldRegistry;
  claims: (token: string | null) => TokenClaims;
  expiry: ExpiryAwareness;
  serverClock: { sending(): number; observe(response: Response, sentAt: number, force?: boolean, sentTo?: Request | string): void };
  own: OwnWork;
}

/**
 * Lets go of an answer nobody will read: unread, Node keeps its connection and a browser its stream until collected.
 *
 * @example
 * release(response); // a body read already, or none, is fine
 */
// A fetch of one's own may give bodies with no cancel (node-fetch's are Node streams): those are left to be collected.
export const release = (response?: Response) => void response?.body?.cancel?.().catch(() => {});

/**
 * Whether the session is over for good (stopped): nothing is sent or held any more.
 *
 * @example
 * if (isOver(parts)) throw error;
 */
export const isOver = (parts: CallParts) => parts.actor.getSnapshot().status !== 'active';

/**
 * Who `token` acts for, comparable by value; no token is nobody, never the account of a token that names none (opaque).
 *
 * @example
 * accountOf(parts, options.getToken()) === template.account; // the call's account still signed in
 */
export const accountOf = (parts: CallParts, token: string | null) => (token === null ? null : accountIn(parts.claims(token)));

/**
 * Whether a call with `token` must wait for a validation: its expiry is near, or it is no token a header can carry.
 *
 * @example
 * if (mustValidate(parts, token)) return hold(parts, 'unsent', template, send, template);
 */
export const mustValidate = (parts: CallParts, token: string | null) =>
  ((token !== parts.own.timedToken || (globalThis as { document?: { hidden?: boolean } }).document?.hidden === true) &&
    parts.expiry.isExpiring(token)) ||
  !isHeaderSafe(token);

/**
 * Parks the caller until the chart lets its request go, then answers it with `resume(arg)`.
 *
 * @example
 * return hold(parts, 'unauthorized', template, replay, template);
 */
export function hold<A>(
  parts: CallParts,
  reason: HeldRequest['reason'],
  template: RequestTemplate,
  resume: (arg: A) => Promise<Response>,
  arg: A,
): Promise<Response> {
  // Already aborted: rejects with the signal's reason, never held.
  template.signal?.throwIfAborted();
  const { input } = template;
  return parts.held.hold(
    { method: template.method, url: urlSummary(input instanceof Request ? urlOf(input) : input), reason },
    template.signal,
    resume,
    arg,
  );
}

/**
 * A call made in a session that has ended since (stopped, signed out) is not sent, least of all with the next user's token.
 *
 * @example
 * throwIfEnded(parts, template, response); // AuthExpiredError('signed-out') once the user signed out
 */
export function throwIfEnded(parts: CallParts, template: RequestTemplate, answer?: Response): void {
  if (isOver(parts) || parts.actor.getSnapshot().context.endedSessions !== template.session) {
    // The answer it got (a 401) is read by nobody then.
    release(answer);
    throw new AuthExpiredError(isOver(parts) ? 'stopped' : 'signed-out');
  }
}

/**
 * The token to send `template` with now; none once its session ended or the token is another account's, who it would act for.
 *
 * @example
 * const sent = template.next(tokenFor(parts, template));
 */
export function tokenFor(parts: CallParts, template: RequestTemplate): string | null {
  throwIfEnded(parts, template);
  const token = parts.options.getToken();
  // No token at all: signed out in another tab, whose word reaches this session a moment later.
  if (accountOf(parts, token) !== template.account) throw new AuthExpiredError(token === null ? 'signed-out' : 'other-account');
  return token;
}
