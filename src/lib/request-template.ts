import { BodyNotReplayableError } from './auth-errors.ts';

/**
 * One request as the caller asked for it, kept so that it can be sent twice
 * (first send + one replay) with the body intact.
 */
export interface RequestTemplate {
  /** The caller's request, never sent itself while a replay may still need its body. */
  readonly request: Request;
  /** True when the caller set its own Authorization header: we keep it and leave its 401s alone. */
  readonly hasOwnAuthorization: boolean;
  /** A fresh copy to send, with `token` as bearer unless the caller brought its own. */
  next(token: string | null): Request;
}

function isStream(body: unknown): boolean {
  return typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;
}

/**
 * Builds the template from fetch's own arguments. The body is buffered by the
 * platform's `clone()` (a tee) before the first send, so a replay re-sends the
 * same bytes, multipart boundary included. A ReadableStream passed in `init`
 * is sent once, as given; a replay of it throws BodyNotReplayableError rather
 * than sending an empty body.
 *
 * @example
 * const t = createRequestTemplate('/api/items', { method: 'POST', body: '{"a":1}' });
 * await fetch(t.next('token-1')); await fetch(t.next('token-2')); // same body twice
 */
export function createRequestTemplate(input: RequestInfo | URL, init?: RequestInit): RequestTemplate {
  const request = new Request(input, init);
  const hasOwnAuthorization = request.headers.has('authorization');
  const replayable = !isStream(init?.body);
  let sends = 0;
  return {
    request,
    hasOwnAuthorization,
    next(token) {
      sends += 1;
      if (sends > 1 && !replayable) throw new BodyNotReplayableError(request);
      // A bodiless request can be sent as it is, again and again; a body is
      // used up by a send, so each send gets its own copy (except a stream's only send).
      const copy = request.body === null || !replayable ? request : request.clone();
      if (token !== null && !hasOwnAuthorization) copy.headers.set('Authorization', `Bearer ${token}`);
      return copy;
    },
  };
}
