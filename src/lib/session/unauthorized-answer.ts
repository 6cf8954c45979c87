import { type CallParts, hold, mustValidate, release, throwIfEnded } from './call-session.ts';
import { NotReplayedError } from './errors.ts';
import { noteRefused } from './own-work.ts';
import type { RequestTemplate } from './request-template.ts';
import { requestUrl } from './request-url.ts';

/**
 * What the caller gets for an answer: itself, or, for a 401 that is the session's, a hold for its one `replay`.
 *
 * @example
 * const answered = createUnauthorizedAnswer(parts, replay);
 * fetchNow(...template.next(token)).then((response) => answered(template, token, response, sentAt));
 */
export function createUnauthorizedAnswer(
  parts: CallParts,
  replay: (template: RequestTemplate) => Promise<Response>,
): (template: RequestTemplate, token: string | null, response: Response, sentAt: number) => Response | Promise<Response> {
  /** A redirected 401 may never have carried the token (dropped at another origin): the caller's unless the token changed. */
  const answerUnlessRenewed = (out: { template: RequestTemplate; token: string; response: Response }) => {
    // Let go in the turn the session ended (stopped, signed out): given up as every held call is.
    throwIfEnded(parts, out.template);
    if (parts.options.getToken() === out.token) return Promise.resolve(out.response);
    release(out.response);
    return replay(out.template);
  };

  return function answered(template, token, response, sentAt) {
    const unauthorized = response.status === 401;
    parts.serverClock.observe(response, sentAt, unauthorized, template.input);
    // Without a token there is no session to restore: a 401 is the caller's answer.
    if (!unauthorized || token === null) return response;
    // Redirected to another origin, which fetch gave no token: its 401 says nothing about this session.
    if (response.redirected && new URL(response.url).origin !== requestUrl(template.input).origin) return response;
    // Ended while this request was out (signed out, stopped): never sent again, least of all as the next user.
    throwIfEnded(parts, template, response);
    if (!template.replay) {
      // Not sent again, by the caller's wish; the session still checks the token the backend refused.
      if (parts.options.getToken() === token) parts.actor.send({ type: 'token.rejected' });
      throw new NotReplayedError(template.method, response.url || requestUrl(template.input).href, response);
    }
    // The token changed while this request was out: sent again now if a new call would be; otherwise held like one.
    const current = parts.options.getToken();
    if (current !== token && parts.actor.getSnapshot().hasTag('sending') && !mustValidate(parts, current)) {
      release(response);
      return replay(template);
    }
    // Held with the token changed too: the token it went with may be back when it is let go (another tab's late message).
    if (response.redirected)
      return hold(parts, 'unauthorized', template, answerUnlessRenewed, { template, token, response }).catch((error: unknown) => {
        // Given up (stopped, signed out, aborted): its 401 goes unread.
        release(response);
        throw error;
      });
    // A token a tab's late message brings back, never checked here: no call goes again with the very token answered 401.
    if (current !== token) noteRefused(parts.own, token);
    // Held for the replay, whose answer the caller gets: this one is let go now, not held open while the user signs in.
    release(response);
    return hold(parts, 'unauthorized', template, replay, template);
  };
}
