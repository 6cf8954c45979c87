import type { NotSentReason } from '../../../src/lib/session/errors.ts';
import type { AuthFetch } from '../../../src/lib/session/options.ts';
import type { Send } from './fuzz-backend.ts';
import { type BodyKind, bodyOf } from './fuzz-bodies.ts';

export const API = 'https://api.test';
export const OTHER = 'https://elsewhere.test';

/** One call as the fuzz asks for it. */
export interface RequestSpec {
  target: 'api' | 'other';
  method: 'GET' | 'POST' | 'PUT';
  /** Ignored for GET. */
  body: BodyKind;
  text: string;
  bytes: Uint8Array;
  /** A query string, which must never reach the machine's context. */
  query: boolean;
  /** `false`: made with `replay: false`, sent once at most. */
  replay: boolean;
  /** A GET made with the URL alone, no init (authFetch's hot path): no signal, so no abort, and replayable. */
  bare: boolean;
}

/** Why a call may be refused with AuthExpiredError (its `reason`): the session it was made in is over, or was given up. */
export type Refusal = NotSentReason;

/** A caller of authFetch and everything the run learns about it. */
export interface FuzzCall {
  readonly n: number;
  readonly spec: RequestSpec;
  /** Origin and path: how the machine names it in `context.queue`. */
  readonly heldUrl: string;
  readonly path: string;
  /** The bytes every send must carry; undefined when only the sends can agree (a multipart boundary). */
  readonly expectedBody: Uint8Array | undefined;
  readonly isStream: boolean;
  readonly controller: AbortController;
  /** The account of the token when it was made: it is never sent for another. */
  readonly account: string | undefined;
  /** Sign-outs before it was made: it is never sent after another. */
  readonly session: number;
  readonly sends: Send[];
  /** Not sent in authFetch's call: held before its first send (for the coverage summary). */
  heldUnsent: boolean;
  /** Made while the backend could not be reached (as far as anyone could tell: see `facts.unreachable`). */
  madeOffline: boolean;
  /** Held (unsent, or answered 401) when word came that the backend could not be reached. */
  heldOffline?: boolean;
  /**
   * The send that a validation given up (the backend answered, but not with a verdict) let go: it goes with
   * the token as it is, unvalidated, as the chart says it must.
   */
  unvalidatedSend?: number;
  /** Its sends when the chart last let its queue go or gave it up while this call was held; checked at the next rest. */
  sendsWhenLetGo?: number;
  /** The reasons it may fairly be refused for with AuthExpiredError, as they came. */
  readonly refusals: Set<Refusal>;
  /** A sign-out came while it was pending: refused since, it must say 'signed-out' (or a reason that came later). */
  signedOutWhilePending?: boolean;
  /** How many times its promise settled: must end at exactly 1. */
  settledCount: number;
  response?: Response;
  error?: unknown;
  /** The session's token when the caller got its answer. */
  tokenAtSettle?: string | null;
}

/** What the run knows of the session when a call is made and answered. */
export interface CallContext {
  authFetch: AuthFetch;
  /** The token the session holds now. */
  token(): string | null;
  account: string | undefined;
  session: number;
  madeOffline: boolean;
  /** Sees the call before authFetch does: its first send may happen synchronously. */
  register(call: FuzzCall): void;
}

/**
 * Calls `authFetch` as an app would and records how the call settles.
 *
 * @example
 * startCall(1, spec, { authFetch, token: () => store.token, account: 'ada', session: 0, madeOffline: false, register: (c) => calls.push(c) });
 */
export function startCall(n: number, drawn: RequestSpec, context: CallContext): FuzzCall {
  // Only a GET is made bare; made bare, it has no replay option, so it is replayed as any call.
  const bare = drawn.bare && drawn.method === 'GET';
  const spec = { ...drawn, bare, replay: bare || drawn.replay };
  const path = spec.target === 'api' ? `/api/c${n}` : `/o${n}`;
  const origin = spec.target === 'api' ? API : OTHER;
  const { init, expected } = bodyOf(spec);
  const controller = new AbortController();
  const call: FuzzCall = {
    n,
    spec,
    path,
    heldUrl: origin + path,
    expectedBody: expected,
    isStream: spec.method !== 'GET' && spec.body === 'stream',
    controller,
    account: context.account,
    session: context.session,
    sends: [],
    heldUnsent: false,
    madeOffline: context.madeOffline,
    refusals: new Set(),
    settledCount: 0,
  };
  context.register(call);
  const url = `${origin}${path}${spec.query ? `?page=${n}&q=secret-query` : ''}`;
  const settle = (outcome: { response: Response } | { error: unknown }) =>
    Object.assign(call, outcome, { settledCount: call.settledCount + 1, tokenAtSettle: context.token() });
  (bare
    ? context.authFetch(url)
    : context.authFetch(url, { ...init, method: spec.method, signal: controller.signal, ...(!spec.replay && { replay: false }) })
  ).then(
    (response) => settle({ response }),
    (error: unknown) => settle({ error }),
  );
  return call;
}

/** True once the caller has its answer. */
export const isSettled = (call: FuzzCall) => call.settledCount > 0;
