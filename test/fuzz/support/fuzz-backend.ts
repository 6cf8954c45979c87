/**
 * The fuzz's backend, at the network layer: the `fetch` that createAuthFetch
 * is given. Every request that reaches it is recorded at the moment it is
 * sent (headers, URL, the session's state and token then) and stays in flight
 * until the run answers it, so that responses can arrive in any order.
 *
 * Why not msw here: the fuzz needs to observe each send synchronously, while
 * the session is in the state that sent it, and msw reaches its handlers a few
 * turns later (about 0.9 ms a request against 0.07 ms here, measured on this
 * machine; 1,000 runs send ~20,000 requests). The real client, its Request
 * cloning and its body handling are the same either way.
 */
import { API } from './fuzz-calls.ts';

/**
 * How the backend answers one in-flight request. `401-here`: a 401 at the end of a redirect within the
 * API's origin; `401-away`: at the end of one to another origin (fetch dropped the token on the way).
 */
export type Answer = 200 | 401 | 403 | 500 | 'network' | '401-here' | '401-away';

export interface Send {
  /** Position among every send of the run. */
  readonly index: number;
  readonly url: URL;
  readonly method: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly authorization: string | null;
  /** The body as the backend received it; set once read. */
  body: Uint8Array | null;
  readonly bodyRead: Promise<void>;
  bodyDone: boolean;
  /** True until answered or aborted. */
  inFlight: boolean;
  /** Sent while the API is down: it fails at the network a task later. */
  failing?: boolean;
  /** What it was answered with: the very Response or error handed to fetch's caller. */
  response?: Response;
  error?: unknown;
  respond(answer: Answer): void;
}

/** What fetch rejects with when the network fails. */
export const networkError = () => new TypeError('fetch failed');

/** A Response as fetch hands over the last hop of a redirect (a constructed one cannot say so itself). */
function redirectedResponse(body: string, status: number, url: string, headers: HeadersInit): Response {
  const response = new Response(body, { status, headers });
  Object.defineProperties(response, { redirected: { value: true }, url: { value: url } });
  return response;
}

/**
 * @example
 * const backend = createFuzzBackend({ onSend: (send) => checkAtSendTime(send), onAnswer: () => {}, backendNow: () => clock.now() });
 * createAuthFetch({ ...options, fetch: backend.fetch });
 * backend.inFlight()[0]?.respond(401);
 */
export function createFuzzBackend(hooks: {
  onSend: (send: Send) => void;
  /** A send to the API was answered: by the backend (it is reachable), or by the network failing. */
  onAnswer: (answer: Answer, send: Send) => void;
  backendNow: () => number;
}) {
  const { onSend, onAnswer, backendNow } = hooks;
  const sends: Send[] = [];
  /** `down`: the API cannot be reached (other origins can): every send to it fails as fetch fails, with a TypeError. */
  const network = { down: false };

  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    // An aborted signal stops fetch before anything leaves: not a send.
    if (request.signal.aborted) return Promise.reject(request.signal.reason);
    return new Promise<Response>((resolve, reject) => {
      const finish = (settle: () => void) => {
        if (!send.inFlight) return;
        send.inFlight = false;
        request.signal.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = () => finish(() => reject((send.error = request.signal.reason)));
      const send: Send = {
        index: sends.length,
        url: new URL(request.url),
        method: request.method,
        headers: [...request.headers],
        authorization: request.headers.get('authorization'),
        body: null,
        bodyDone: false,
        bodyRead: request
          .arrayBuffer()
          .then(
            (bytes) => void (send.body = new Uint8Array(bytes)),
            () => {},
          )
          .finally(() => void (send.bodyDone = true)),
        inFlight: true,
        respond(answer) {
          if (!send.inFlight) return;
          if (send.url.origin === API) onAnswer(answer, send);
          if (answer === 'network') return finish(() => reject((send.error = networkError())));
          const body = JSON.stringify({ send: send.index });
          // The backend's own clock, which the session reads to know when tokens expire there.
          const headers = { date: new Date(backendNow()).toUTCString() };
          // Another origin's server, an hour off: the session must not take its Date for the backend's.
          const away = { date: new Date(backendNow() + 3_600_000).toUTCString() };
          const response =
            answer === '401-here' || answer === '401-away'
              ? redirectedResponse(
                  body,
                  401,
                  answer === '401-here' ? `${send.url.origin}/login` : 'https://sso.elsewhere.test/login',
                  answer === '401-here' ? headers : away,
                )
              : new Response(body, { status: answer, headers });
          finish(() => resolve((send.response = response)));
        },
      };
      request.signal.addEventListener('abort', onAbort, { once: true });
      sends.push(send);
      onSend(send);
      // A task later, as fetch fails: the calls let go with it are all out by then.
      if (network.down && send.url.origin === API) {
        send.failing = true;
        setImmediate(() => send.respond('network'));
      }
    });
  };

  return {
    fetch: fetch as typeof globalThis.fetch,
    sends: sends as readonly Send[],
    network,
    inFlight: () => sends.filter((send) => send.inFlight),
    /** The API becomes unreachable: what is out there fails with fetch's TypeError, and so does what is sent after. */
    goDown() {
      network.down = true;
      for (const send of sends) if (send.inFlight && send.url.origin === API) send.respond('network');
    },
  };
}

export type FuzzBackend = ReturnType<typeof createFuzzBackend>;
