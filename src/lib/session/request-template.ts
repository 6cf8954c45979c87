import { BodyNotReplayableError } from './errors.ts';
import { assertBuildable } from './fetch-failure.ts';
import type { AuthFetchInit } from './options.ts';

/**
 * One request as the caller asked for it, kept so that it can be sent again
 * (its replay, and a GET's sends after the network cut it off) with the body intact.
 */
export interface RequestTemplate {
  /** What the caller fetched: a Request, or the absolute URL as it was at the call. */
  readonly input: Request | string;
  /** The request's method as given, for the held-request summary. */
  readonly method: string;
  /** The caller's signal: a held request that it aborts is never sent. */
  readonly signal?: AbortSignal | null;
  /** True when the caller set its own Authorization header: we keep it and leave its 401s alone. */
  readonly hasOwnAuthorization: boolean;
  /** The account the call was made for: its token's `sub` claim (a record's as the symbol of its JSON; undefined when tokens do not say). Never sent for another. */
  readonly account: unknown;
  /** The session it was made in (sign-outs before it): a call is never sent in a later one. */
  readonly session: number;
  /** False when the caller said `replay: false`: sent once at most, never again after a 401. */
  readonly replay: boolean;
  /** False for a ReadableStream body, which is read as it is sent: the one send there can be. */
  readonly replayable: boolean;
  /** fetch's arguments for one send, with `token` as bearer unless the caller brought its own. */
  next(token: string | null): Parameters<typeof fetch>;
  /** Throws the TypeError fetch would reject with for a request it cannot build (a GET with a body, a URL with credentials). */
  assertBuildable(): void;
}

/** Never written to: each send spreads it into a record of its own. */
const none: Record<string, string> = {};

/** Bodies that fetch reads afresh on every call and that cannot change after it: the same bytes each send. */
const resendable = (body: unknown) => body == null || typeof body === 'string' || body instanceof Blob;

/** An init that a spread copies whole: fetch also reads inherited options and getters (a Request given as init). */
const plain = (init: object | undefined) => {
  const proto = init && Object.getPrototypeOf(init);
  return proto === undefined || proto === Object.prototype || proto === null;
};

/**
 * Builds the template from fetch's own arguments.
 *
 * A URL with no body, a string or a Blob, in a plain init (the hot path), is kept as fetch's
 * arguments and sent again as they are: no `Request` is built. Anything else
 * (a `Request`, FormData, URLSearchParams, buffers) becomes one `Request`
 * whose body the platform's `clone()` (a tee) buffers, so a replay re-sends
 * the same bytes, multipart boundary included, even if the caller changes
 * its object meanwhile. A ReadableStream passed in `init` is sent once, as
 * given; a replay of it throws BodyNotReplayableError rather than sending an
 * empty body. The caller's objects are never changed: each send gets its own
 * headers.
 *
 * @example
 * const t = createRequestTemplate('/api/items', { method: 'POST', body: '{"a":1}' }, 'ada');
 * await fetch(...t.next('token-1')); await fetch(...t.next('token-2')); // same body twice
 */
export function createRequestTemplate(
  input: Request | string,
  init: AuthFetchInit | undefined,
  account: unknown,
  session = 0,
): RequestTemplate {
  return new Template(input, init, account, session);
}

/** A class, not an object of closures: a held call keeps one small record and shares `next`. */
class Template implements RequestTemplate {
  // `declare`: assigned once in the constructor, never first defined as undefined (a cost on every call).
  declare readonly input: Request | string;
  declare readonly account: unknown;
  declare readonly session: number;
  declare readonly method: string;
  declare readonly signal?: AbortSignal | null;
  declare readonly hasOwnAuthorization: boolean;
  declare readonly replay: boolean;
  declare readonly replayable: boolean;
  /** The one Request, for bodies fetch cannot read twice (and Request inputs); null on the hot path. */
  declare private readonly request: Request | null;
  /** The caller's init as it was at the call (a copy, only when there was one); its headers apart. */
  declare private readonly saved: AuthFetchInit | undefined;
  declare private readonly headers: Record<string, string>;
  declare private sends: number;

  constructor(input: Request | string, init: AuthFetchInit | undefined, account: unknown, session: number) {
    this.input = input;
    this.account = account;
    this.session = session;
    this.sends = 0;
    const request = input instanceof Request || !resendable(init?.body) || !plain(init) ? new Request(input, init) : null;
    this.request = request;
    this.replayable = !(init?.body instanceof ReadableStream);
    const given = request ? request.headers : init?.headers;
    // Copied now, as the caller may reuse its objects; calls without headers (most) share one empty record.
    this.headers = given ? Object.fromEntries(new Headers(given)) : none;
    this.saved = init && { ...init };
    this.method = (request ?? init)?.method ?? 'GET';
    this.signal = (request ?? init)?.signal;
    this.hasOwnAuthorization = 'authorization' in this.headers;
    this.replay = init?.replay !== false;
  }

  assertBuildable(): void {
    // A Request was built at the call already; otherwise one is built as fetch would, for its TypeError alone
    // (without an AbortSignal: a Request listens to it until collected, and held calls may share one that lives long).
    if (!this.request) assertBuildable([this.input, { ...this.saved, headers: this.headers }]);
  }

  next(token: string | null): Parameters<typeof fetch> {
    const { request, headers } = this;
    if (++this.sends > 1 && !this.replayable) throw new BodyNotReplayableError(request!);
    // A record of its own each time: fetch, or a wrapper around it, may change what it is given.
    const sent = token !== null && !this.hasOwnAuthorization ? { ...headers, authorization: `Bearer ${token}` } : { ...headers };
    // A Request's body is used up by a send: each one but a stream's only send gets a copy (a tee).
    if (request) {
      // Stryker disable next-line ConditionalExpression,LogicalOperator: a copy of a bodyless request, or of a stream's only send, sends the same method, headers and bytes
      const once = this.replayable && request.body ? request.clone() : request;
      // An init resets a Request's referrer and its policy (the Fetch standard): given back, or the page's URL goes as Referer.
      return [once, { headers: sent, referrer: request.referrer, referrerPolicy: request.referrerPolicy }];
    }
    return [this.input, { ...this.saved, headers: sent }];
  }
}
