import type { Send } from './fuzz-backend.ts';

export const API = 'https://api.test';
export const OTHER = 'https://elsewhere.test';

/** Every body type authFetch promises to replay byte-identical, and the one it cannot (a stream). */
export const bodyKinds = ['text', 'json', 'bytes', 'params', 'blob', 'form', 'stream'] as const;
export type BodyKind = (typeof bodyKinds)[number];

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
}

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
  readonly sends: Send[];
  /** Not sent in authFetch's call: held before its first send (for the coverage summary). */
  heldUnsent: boolean;
  /** Held unsent when validation was given up (offline): let go with its token as it was, unvalidated, as it must be. */
  letGoUnvalidated: boolean;
  /** Its sends when the chart last let its queue go or gave it up while this call was held; checked at the next rest. */
  sendsWhenLetGo?: number;
  /** Held (unsent, or answered 401 once), told to the chart or not, when re-authentication was given up. */
  givenUp: boolean;
  /** Pending when the app stopped the session. */
  stoppedWhileHeld: boolean;
  /** How many times its promise settled: must end at exactly 1. */
  settledCount: number;
  response?: Response;
  error?: unknown;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

function bodyOf(spec: RequestSpec): { init: RequestInit; expected: Uint8Array | undefined } {
  if (spec.method === 'GET') return { init: {}, expected: new Uint8Array() };
  const { text, bytes } = spec;
  switch (spec.body) {
    case 'text':
      return { init: { body: text }, expected: utf8(text) };
    case 'json': {
      const json = JSON.stringify({ text, n: bytes.length });
      return { init: { body: json, headers: { 'content-type': 'application/json' } }, expected: utf8(json) };
    }
    case 'bytes':
      return { init: { body: bytes.slice() }, expected: bytes };
    case 'params': {
      const params = new URLSearchParams({ text, tail: 'a&b=c' });
      return { init: { body: params }, expected: utf8(params.toString()) };
    }
    case 'blob':
      return { init: { body: new Blob([bytes.slice()]) }, expected: bytes };
    case 'form': {
      const form = new FormData();
      form.append('text', text);
      form.append('file', new Blob([bytes.slice()]), 'photo.jpg');
      return { init: { body: form }, expected: undefined };
    }
    case 'stream': {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice());
          controller.close();
        },
      });
      return { init: { body: stream, duplex: 'half' } as RequestInit, expected: bytes };
    }
  }
}

/**
 * Calls `authFetch` as an app would and records how the call settles.
 * `register` sees the call before authFetch does: its first send may happen
 * synchronously.
 *
 * @example
 * startCall(1, spec, client.authFetch, (call) => calls.push(call));
 */
export function startCall(n: number, spec: RequestSpec, authFetch: typeof fetch, register: (call: FuzzCall) => void): FuzzCall {
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
    sends: [],
    heldUnsent: false,
    letGoUnvalidated: false,
    givenUp: false,
    stoppedWhileHeld: false,
    settledCount: 0,
  };
  register(call);
  const url = `${origin}${path}${spec.query ? `?page=${n}&q=secret-query` : ''}`;
  authFetch(url, { ...init, method: spec.method, signal: controller.signal }).then(
    (response) => Object.assign(call, { settledCount: call.settledCount + 1, response }),
    (error: unknown) => Object.assign(call, { settledCount: call.settledCount + 1, error }),
  );
  return call;
}

/** True once the caller has its answer. */
export const isSettled = (call: FuzzCall) => call.settledCount > 0;
