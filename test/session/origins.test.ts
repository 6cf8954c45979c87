/** @vitest-environment node */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';

/**
 * Real servers on two ports of 127.0.0.1 (two origins) and Node's own fetch: what a server receives is
 * what a browser's fetch would send (the token is dropped at a hop to another origin).
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
function server() {
  let handle: Handler = (_req, res) => res.writeHead(404).end();
  const seen: Array<{ url: string; authorization: string | undefined }> = [];
  const http = createServer((req, res) => {
    seen.push({ url: req.url!, authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => handle(req, res));
  });
  return { http, seen, origin: '', on: (next: Handler) => void (handle = next) };
}
const listen = (http: Server) =>
  new Promise<string>((resolve) => http.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(http.address() as AddressInfo).port}`)));

const api = server();
const other = server();
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

const good = 'token-good';
function session(overrides: Partial<AuthFetchOptions> = {}) {
  let token: string | null = good;
  const counts = { validations: 0 };
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = next),
    validate: async ({ token: t }) => (counts.validations++, t === good || t === 'token-new'),
    reauthenticate: async () => 'token-new',
    allowedOrigins: [api.origin],
    ...overrides,
  });
  return { client, counts, setToken: (next: string | null) => (token = next) };
}
const bearer = (req: IncomingMessage) => req.headers.authorization?.slice('Bearer '.length);

describe('origins and redirects', () => {
  it('gives the caller the 401 of a chain that passed through another origin, with no second send', async () => {
    // api → other → api: fetch dropped the token at the hop, so the last 401 says nothing of the session.
    api.on((req, res) => {
      if (req.url === '/start') return res.writeHead(302, { location: `${other.origin}/hop` }).end();
      res.writeHead(bearer(req) === good ? 200 : 401).end('{}');
    });
    other.on((_req, res) => res.writeHead(302, { location: `${api.origin}/end` }).end());
    api.seen.length = 0;
    const { client, counts } = session();
    const response = await client.authFetch(`${api.origin}/start`);
    expect(response.status).toBe(401);
    expect(api.seen.map((s) => s.url)).toEqual(['/start', '/end']);
    expect(api.seen[1]!.authorization).toBeUndefined();
    expect(counts.validations).toBeLessThanOrEqual(1);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
    client.stop();
  });

  it("takes a 401 after a redirect within the API's origin for the session's: held, then sent again after the reconnect", async () => {
    api.on((req, res) => {
      if (req.url === '/old') return res.writeHead(302, { location: '/new' }).end();
      res.writeHead(bearer(req) === 'token-new' ? 200 : 401).end('{}');
    });
    api.seen.length = 0;
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
    client.stop();
  });

  it('gives the caller the 401 of a call made with no token, and of a call with its own Authorization, without validating', async () => {
    api.on((_req, res) => res.writeHead(401).end('{}'));
    const { client, counts, setToken } = session();
    expect((await client.authFetch(`${api.origin}/api/basic`, { headers: { Authorization: 'Basic YWRhOnB3' } })).status).toBe(401);
    setToken(null);
    expect((await client.authFetch(`${api.origin}/api/public`)).status).toBe(401);
    expect(counts.validations).toBe(0);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
    client.stop();
  });

  it('sends nothing of the session to another origin, and leaves its 401 alone', async () => {
    other.on((_req, res) => res.writeHead(401).end('{}'));
    other.seen.length = 0;
    const { client, counts } = session();
    expect((await client.authFetch(`${other.origin}/api`)).status).toBe(401);
    expect(other.seen[0]!.authorization).toBeUndefined();
    expect(counts.validations).toBe(0);
    client.stop();
  });
});
