import { http, HttpResponse } from 'msw';

export const API = 'https://api.test';
export const OTHER = 'https://elsewhere.test';

/** How a gate was opened: the status to force, and headers for the answer. */
interface Opened {
  status?: number;
  headers?: Record<string, string>;
}

/** What the backend saw: one row per request that reached it. */
export interface Received {
  method: string;
  url: string;
  authorization: string | null;
  contentType: string | null;
  body: Uint8Array;
}

/**
 * A tiny FastAPI stand-in at the network layer: tokens in `valid` are
 * accepted, `/auth/me` validates, `/api/*` echoes what it got, `/status/N`
 * answers N. Requests can be made to wait on a gate with `x-gate: name`.
 */
export function createFakeBackend() {
  const valid = new Set<string>(['t1']);
  const received: Received[] = [];
  /** While true, every request fails like a dropped connection (fetch rejects with a TypeError). */
  const network = { down: false };
  const gates = new Map<string, { wait: Promise<Opened>; arrive: () => void }>();

  /** The one request sent with `x-gate: name` waits until `open(status, headers)`; `reached` says it arrived. */
  function gate(name: string) {
    let resolveOpen!: (opened: Opened) => void;
    let arrive!: () => void;
    const wait = new Promise<Opened>((resolve) => (resolveOpen = resolve));
    const open = (status?: number, headers?: Record<string, string>) => resolveOpen({ status, headers });
    const reached = new Promise<void>((resolve) => (arrive = resolve));
    gates.set(name, { wait, arrive });
    return { open, reached };
  }

  const isValid = (authorization: string | null) => !!authorization?.startsWith('Bearer ') && valid.has(authorization.slice(7));

  const handlers = [
    http.all(`${API}/*`, () => (network.down ? HttpResponse.error() : undefined)),
    http.get(`${API}/auth/me`, ({ request }) =>
      isValid(request.headers.get('authorization'))
        ? HttpResponse.json({ email: 'ada@example.com' })
        : HttpResponse.json({ detail: 'Not authenticated' }, { status: 401 }),
    ),
    http.all(`${API}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const row: Received = {
        method: request.method,
        url: url.pathname + url.search,
        authorization: request.headers.get('authorization'),
        contentType: request.headers.get('content-type'),
        body: new Uint8Array(await request.arrayBuffer()),
      };
      received.push(row);
      const gateName = request.headers.get('x-gate');
      let forced: Opened = {};
      const gated = gateName ? gates.get(gateName) : undefined;
      if (gated) {
        gates.delete(gateName!);
        gated.arrive();
        forced = await gated.wait;
      }
      const { headers } = forced;
      const status = forced.status ?? (url.pathname.startsWith('/status/') ? Number(url.pathname.slice(8)) : undefined);
      if (status === 401 || !isValid(row.authorization)) {
        return HttpResponse.json({ detail: 'Not authenticated' }, { status: 401, headers });
      }
      if (status !== undefined) return HttpResponse.json({ status }, { status, headers });
      return HttpResponse.json(
        {
          method: row.method,
          url: row.url,
          authorization: row.authorization,
          contentType: row.contentType,
          body: Buffer.from(row.body).toString('base64'),
        },
        { headers },
      );
    }),
    http.all(`${OTHER}/*`, ({ request }) => {
      received.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.get('authorization'),
        contentType: null,
        body: new Uint8Array(),
      });
      return HttpResponse.json({ detail: 'Not authenticated' }, { status: 401 });
    }),
  ];

  return {
    valid,
    received,
    network,
    gate,
    handlers,
    /** Requests that reached an API path (not /auth/me). */
    apiRequests: (path?: string) => received.filter((r) => path === undefined || r.url === path),
    /** Back to a fresh backend between tests: only t1 is valid, nothing received, the network up. */
    reset() {
      valid.clear();
      valid.add('t1');
      received.length = 0;
      network.down = false;
      gates.clear();
    },
  };
}

export type FakeBackend = ReturnType<typeof createFakeBackend>;
