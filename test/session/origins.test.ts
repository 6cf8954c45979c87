/** @vitest-environment node */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchClient, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API, OTHER, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { callOutcome } from '../support/outcomes.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { inProductionBuild } from '../support/production-build.ts';

describe('the token goes to allowed origins only', () => {
  const layer = layerOnFakeBackend();
  const { backend } = layer;

  it('sends the bearer token to an allowed origin', async () => {
    const { client } = layer.session();
    const body = await (await client.authFetch(`${API}/api/credits`)).json();
    expect(body.authorization).toBe('Bearer t1');
  });

  it("keeps a caller's own Authorization header", async () => {
    const { client } = layer.session();
    backend.valid.add('mine');
    await client.authFetch(`${API}/api/credits`, { headers: { Authorization: 'Bearer mine' } });
    expect(backend.apiRequests('/api/credits').map((r) => r.authorization)).toEqual(['Bearer mine']);
  });

  it('sends requests to other origins untouched and returns their 401 without validating', async () => {
    const { client, validate } = layer.session();
    const response = await client.authFetch(`${OTHER}/thing`, { headers: { 'x-mine': '1' } });
    expect(response.status).toBe(401);
    expect(backend.received.map((r) => r.authorization)).toEqual([null]);
    expect(validate).not.toHaveBeenCalled();
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });
});

/** A session for `allowedOrigins` whose fetch notes what it is given. */
function noting(allowedOrigins = ['https://api.test']) {
  const seen: Array<{ url: string; authorization: string | null }> = [];
  const client = createAuthFetch({
    getToken: () => 'ada-token',
    setToken: () => {},
    validate: async () => true,
    reauthenticate: async () => 'never-used',
    allowedOrigins,
    fetch: async (input, init) => {
      seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
      return new Response('{}');
    },
  });
  return { client, seen };
}

describe('the allowed origins, as they were checked', () => {
  it('stay as given: an entry pushed onto the array afterwards gets no token', async () => {
    const origins = ['https://api.test'];
    const { client, seen } = noting(origins);
    // 'https:' is no origin: checked at createAuthFetch, it would have been refused; every https URL starts with it.
    origins.push('https:');
    await client.authFetch('https://evil.test/steal');
    await client.authFetch('https://api.test/api/credits');
    expect(seen.map((call) => call.authorization)).toEqual([null, 'Bearer ada-token']);
    client.stop();
  });
});

describe('an allowed origin is matched whole', () => {
  it('sends no token to a host, a port or a user@host that only begins like an allowed origin', async () => {
    const { client, seen } = noting();
    const lookalikes = [
      'https://api.test.evil.example/x',
      'https://api.testing/x',
      'https://api.test:8443/x',
      'https://api.test@evil.example/x',
    ];
    for (const url of lookalikes) await client.authFetch(url);
    expect(seen).toEqual(lookalikes.map((url) => ({ url, authorization: null })));
    client.stop();
  });

  it("sends no token to where a Request goes when its class's url getter names an allowed origin", async () => {
    // A framework's Request subclass may report a URL of its own (Next.js's NextRequest does); fetch sends to the real one.
    class Rewritten extends Request {
      override get url() {
        return 'https://api.test/api/credits';
      }
    }
    const sent: Array<[string, string | null]> = [];
    const client = createAuthFetch({
      getToken: () => 'ada-token',
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => 'never-used',
      allowedOrigins: ['https://api.test'],
      fetch: async (input, init) => {
        // What fetch itself reads: the request's own URL, whatever its class says.
        const request = new Request(input, init);
        sent.push([Reflect.get(Request.prototype, 'url', request), request.headers.get('authorization')]);
        return new Response('{}');
      },
    });
    await client.authFetch(new Rewritten('https://evil.example/steal'));
    expect(sent).toEqual([['https://evil.example/steal', null]]);
    client.stop();
  });

  it('gives a fetch of its own an absolute URL under the origin as the caller wrote it, with the token', async () => {
    const { client, seen } = noting();
    const urls = ['https://api.test', 'https://api.test?page=2', 'https://api.test#top', 'https://api.test/a/./b'];
    for (const url of urls) await client.authFetch(url);
    expect(seen).toEqual(urls.map((url) => ({ url, authorization: 'Bearer ada-token' })));
    client.stop();
  });
});

// Two ports of 127.0.0.1 are two origins, and Node's own fetch sends what a browser's would: no token past a hop.
interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (seen: Seen, res: ServerResponse) => void;

function loopbackServer() {
  const notFound: Handler = (_seen, res) => res.writeHead(404).end();
  let handle = notFound;
  const seen: Seen[] = [];
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const row = {
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(row);
      handle(row, res);
    });
  });
  return {
    http,
    seen,
    origin: '',
    on: (next: Handler) => void (handle = next),
    reset: () => {
      seen.length = 0;
      handle = notFound;
    },
  };
}
const listen = (http: Server) =>
  new Promise<string>((resolve) => http.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(http.address() as AddressInfo).port}`)));

const api = loopbackServer();
const other = loopbackServer();
beforeAll(async () => {
  api.origin = await listen(api.http);
  other.origin = await listen(other.http);
});
afterAll(() => {
  for (const { http } of [api, other]) {
    http.closeAllConnections();
    http.close();
  }
});

// JWT-shaped, with a signature no other string here contains, to search for in what the servers saw.
const good = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.redirectSecret42';
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  api.reset();
  other.reset();
});

function session(overrides: Partial<AuthFetchOptions> = {}) {
  let token: string | null = good;
  const counts = { validations: 0 };
  const client: AuthFetchClient = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = next),
    validate: async ({ token: t }) => {
      counts.validations++;
      return t === good || t === 'token-new';
    },
    reauthenticate: async () => 'token-new',
    allowedOrigins: [api.origin],
    ...overrides,
  });
  stops.push(client.stop);
  return { client, counts, setToken: (next: string | null) => (token = next) };
}
const bearer = (seen: Seen) => seen.authorization?.slice('Bearer '.length);
const carriesToken = (row: Seen) => JSON.stringify(row).includes(good) || JSON.stringify(row).includes('redirectSecret42');

describe('redirects, between two real origins', () => {
  beforeEach(() => {
    // The other origin answers 200, so that nothing but the redirect itself is under test.
    other.on((_seen, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"where":"other"}'));
    api.on((seen, res) => {
      const [, status, where] = /^\/redirect\/(\d+)\/(same|other)$/.exec(seen.url) ?? [];
      if (!status) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"where":"first"}');
      const location = where === 'same' ? '/landed' : `${other.origin}/landed`;
      res.writeHead(Number(status), { location }).end();
    });
  });

  it.each([301, 302, 303, 307, 308])('never reaches another origin that a %i from an allowed origin points to', async (status) => {
    const { client } = session();
    const response = await client.authFetch(`${api.origin}/redirect/${status}/other`, { method: 'POST', body: '{"draft":"kept"}' });
    expect(await response.json()).toEqual({ where: 'other' });
    expect(response.url).toBe(`${other.origin}/landed`);
    expect(api.seen.map((row) => row.headers.authorization)).toEqual([`Bearer ${good}`]);
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
    expect(other.seen.filter(carriesToken)).toEqual([]);
    // 307 and 308 keep method and body; the others turn the POST into a GET.
    expect(other.seen[0]!.method).toBe(status >= 307 ? 'POST' : 'GET');
  });

  it('never reaches another origin even when that origin is allowed too: fetch drops Authorization across origins', async () => {
    const { client } = session({ allowedOrigins: [api.origin, other.origin] });
    const response = await client.authFetch(`${api.origin}/redirect/302/other`);
    expect(response.status).toBe(200);
    expect(other.seen.map((row) => row.headers.authorization)).toEqual([undefined]);
    expect(other.seen.filter(carriesToken)).toEqual([]);
  });

  it.each([302, 307])('keeps working through a %i within the allowed origin: the token and the body follow', async (status) => {
    const { client, counts } = session();
    const response = await client.authFetch(`${api.origin}/redirect/${status}/same`, { method: 'POST', body: '{"draft":"kept"}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ where: 'first' });
    expect(api.seen.map((row) => [row.url, row.headers.authorization])).toEqual([
      [`/redirect/${status}/same`, `Bearer ${good}`],
      ['/landed', `Bearer ${good}`],
    ]);
    if (status === 307) expect(api.seen[1]!.body).toBe('{"draft":"kept"}');
    expect(counts.validations).toBe(0);
  });

  it('sends nothing but the request itself to an origin that is not allowed', async () => {
    const { client } = session();
    const response = await client.authFetch(`${other.origin}/direct`, { headers: { 'x-mine': '1' } });
    expect(response.status).toBe(200);
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
    expect(other.seen[0]!.headers['x-mine']).toBe('1');
    expect(other.seen.filter(carriesToken)).toEqual([]);
  });

  it("takes a 401 after a redirect within the API's origin for the session's: held, then sent again after the reconnect", async () => {
    api.on((seen, res) => {
      if (seen.url === '/old') return res.writeHead(302, { location: '/new' }).end();
      res.writeHead(bearer(seen) === 'token-new' ? 200 : 401).end('{}');
    });
    const { client, setToken } = session();
    setToken('token-expired');
    const call = client.authFetch(`${api.origin}/old`);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    expect((await call).status).toBe(200);
    expect(api.seen.map((s) => `${s.url} ${s.authorization}`)).toEqual([
      '/old Bearer token-expired',
      '/new Bearer token-expired',
      '/old Bearer token-new',
      '/new Bearer token-new',
    ]);
  });
});

describe('a 401 that is not the session’s goes back to its caller', () => {
  it('gives the caller the 401 of a chain that passed through another origin, with no second send', async () => {
    // api → other → api: fetch dropped the token at the hop, so the last 401 says nothing of the session.
    api.on((seen, res) => {
      if (seen.url === '/start') return res.writeHead(302, { location: `${other.origin}/hop` }).end();
      res.writeHead(bearer(seen) === good ? 200 : 401).end('{}');
    });
    other.on((_seen, res) => res.writeHead(302, { location: `${api.origin}/end` }).end());
    const { client, counts } = session();
    const response = await client.authFetch(`${api.origin}/start`);
    expect(response.status).toBe(401);
    expect(api.seen.map((s) => s.url)).toEqual(['/start', '/end']);
    expect(api.seen[1]!.authorization).toBeUndefined();
    expect(counts.validations).toBeLessThanOrEqual(1);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it('returns the 401 of another origin reached by a redirect as-is, without validating', async () => {
    api.on((_seen, res) => res.writeHead(302, { location: `${other.origin}/sso` }).end());
    other.on((_seen, res) => res.writeHead(401).end('{}'));
    let sends = 0;
    const { client, counts } = session({
      fetch: (input, init) => {
        sends++;
        return fetch(input, init);
      },
    });
    const response = await client.authFetch(`${api.origin}/api/report`);
    expect(response.status).toBe(401);
    expect(new URL(response.url).origin).toBe(other.origin);
    expect({ validations: counts.validations, sends }).toEqual({ validations: 0, sends: 1 });
  });

  it("takes no reading of the backend's clock from another origin's 401 reached by a redirect", async () => {
    // The other origin's clock is an hour fast (and it exposes its Date); the API's agrees with this tab's.
    const hour = 3_600_000;
    api.on((seen, res) => {
      if (seen.url === '/api/file') return res.writeHead(302, { location: `${other.origin}/signed` }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    other.on((_seen, res) => res.writeHead(401, { date: new Date(Date.now() + hour).toUTCString() }).end('{}'));
    const fresh = unsignedJwt({ sub: 'ada', exp: Math.floor(Date.now() / 1000) + 1_800 });
    let validations = 0;
    const { client } = session({ getToken: () => fresh, validate: async () => ++validations > 0 });
    expect((await client.authFetch(`${api.origin}/api/file`)).status).toBe(401);
    // The token has half an hour left on the API's clock: the next call goes at once, with no check first.
    expect((await client.authFetch(`${api.origin}/api/credits`)).status).toBe(200);
    expect(Math.abs(client.report().clockOffsetMs)).toBeLessThan(5_000);
    expect(validations).toBe(0);
  });

  it("reads the backend's clock from its own 401 reached by a redirect within its origin", async () => {
    const ahead = 600_000; // the API's clock, ten minutes ahead of this tab's
    api.on((seen, res) => {
      if (seen.url === '/api/old') return res.writeHead(302, { location: `${api.origin}/api/new` }).end();
      res.writeHead(401, { date: new Date(Date.now() + ahead).toUTCString() }).end('{}');
    });
    const fresh = unsignedJwt({ sub: 'ada', exp: Math.floor(Date.now() / 1000) + 1_800 });
    const { client } = session({ getToken: () => fresh, validate: async () => true });
    expect((await client.authFetch(`${api.origin}/api/old`)).status).toBe(401);
    expect(Math.abs(client.report().clockOffsetMs - ahead)).toBeLessThan(5_000);
  });

  it('gives the caller the 401 of a call made with no token, and of a call with its own Authorization, without validating', async () => {
    api.on((_seen, res) => res.writeHead(401).end('{}'));
    const { client, counts, setToken } = session();
    expect((await client.authFetch(`${api.origin}/api/basic`, { headers: { Authorization: 'Basic YWRhOnB3' } })).status).toBe(401);
    setToken(null);
    expect((await client.authFetch(`${api.origin}/api/public`)).status).toBe(401);
    expect(counts.validations).toBe(0);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it('sends nothing of the session to another origin, and leaves its 401 alone', async () => {
    other.on((_seen, res) => res.writeHead(401).end('{}'));
    const { client, counts } = session();
    expect((await client.authFetch(`${other.origin}/api`)).status).toBe(401);
    expect(other.seen[0]!.authorization).toBeUndefined();
    expect(counts.validations).toBe(0);
  });
});

// URL.createObjectURL names the page's origin in a blob: URL, yet fetch reads it from the page's memory, not a server.
describe("a blob: URL under an allowed origin: the page's own bytes", () => {
  const layer = layerOnFakeBackend();
  /** A session on the backend whose fetch reads blob: URLs as the browser does: from `blobs`, or a TypeError once revoked. */
  function withBlobs(blobs: Map<string, Blob>) {
    return layer.session({
      fetch: async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (!url.startsWith('blob:')) return fetch(input, init);
        const blob = blobs.get(url);
        if (!blob) throw new TypeError('Failed to fetch');
        return new Response(blob);
      },
    });
  }

  it('is read at once while the session waits for a sign-in', async () => {
    const preview = `blob:${API}/5f0c4d2e-preview`;
    const h = withBlobs(new Map([[preview, new Blob(['ring.png bytes'])]]));
    h.expire();
    h.client.authFetch(`${API}/api/credits`).catch(() => {});
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    expect(await callOutcome(h.client.authFetch(preview))).toBe('answered 200');
  });

  it('once revoked, rejects as fetch does and leaves the session online', async () => {
    const h = withBlobs(new Map());
    await expect(h.client.authFetch(`blob:${API}/5f0c4d2e-revoked`)).rejects.toBeInstanceOf(TypeError);
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect(await callOutcome(h.client.authFetch(`${API}/api/credits`))).toBe('answered 200');
  });
});

describe('in a production build, which drops the options checks', () => {
  it.each([[''], ['https:'], ['https://']])(
    'sends no token to another origin when an allowedOrigins entry is %j, no origin at all',
    async (entry) => {
      await inProductionBuild(
        () => import('../../src/lib/session/index.ts'),
        async (production) => {
          const seen: Array<string | null> = [];
          let client: AuthFetchClient | undefined;
          try {
            client = production.createAuthFetch({
              getToken: () => 'ada-token',
              setToken: () => {},
              validate: async () => true,
              reauthenticate: async () => 'never-used',
              allowedOrigins: ['https://api.test', entry],
              fetch: async (_input, init) => {
                seen.push(new Headers(init?.headers).get('authorization'));
                return new Response('{}');
              },
            });
          } catch (error) {
            // Refusing the options at start is as good: no token goes anywhere.
            expect(error).toBeInstanceOf(TypeError);
            return;
          }
          for (const url of ['//evil.example/steal', 'https://evil.example/steal', 'https:///evil.example/steal'])
            await client.authFetch(url).catch(() => {});
          client.stop();
          expect(seen).toEqual([null, null, null]);
        },
      );
    },
  );

  it('refuses at start an allowedOrigins entry of null (an unset variable), which a path beginning "null/" would match', async () => {
    await inProductionBuild(
      () => import('../../src/lib/session/index.ts'),
      async (production) => {
        const create = () =>
          production.createAuthFetch({
            getToken: () => 'ada-token',
            setToken: () => {},
            validate: async () => true,
            reauthenticate: async () => 'never-used',
            allowedOrigins: ['https://api.test', null as unknown as string],
          });
        expect(create).toThrow(TypeError);
      },
    );
  });
});
