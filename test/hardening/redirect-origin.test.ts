/** @vitest-environment node */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFetch, type AuthFetchClient } from '../../src/lib/auth-fetch.ts';

/**
 * A real redirect between two real servers: 127.0.0.1 on two ports is two
 * origins. The client runs on Node's own fetch (undici), with no msw, so what
 * the second server receives is what a browser's fetch would send.
 */
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.redirectSecret42';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

function startServer(handle: (seen: Seen, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const row = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(row);
      handle(row, res);
    });
  });
  return { server, seen, origin: '' };
}

const listen = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

// The other origin answers 200, so that nothing but the redirect itself is under test.
const other = startServer((_seen, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"where":"other"}'));
const first = startServer((seen, res) => {
  const [, status, where] = /^\/redirect\/(\d+)\/(same|other)$/.exec(seen.url) ?? [];
  if (!status) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"where":"first"}');
  const location = where === 'same' ? '/landed' : `${other.origin}/landed`;
  res.writeHead(Number(status), { location }).end();
});

let client: AuthFetchClient;
let validations = 0;
beforeAll(async () => {
  other.origin = await listen(other.server);
  first.origin = await listen(first.server);
});
afterEach(() => {
  client?.stop();
  first.seen.length = 0;
  other.seen.length = 0;
  validations = 0;
});
afterAll(() => {
  for (const { server } of [first, other]) {
    server.closeAllConnections();
    server.close();
  }
});

function clientFor(allowedOrigins: string[]) {
  client = createAuthFetch({
    getToken: () => token,
    setToken: () => {},
    validate: async () => (validations++, true),
    reauthenticate: async () => token,
    allowedOrigins,
  });
  return client;
}

const carriesToken = (row: Seen) => JSON.stringify(row).includes(token) || JSON.stringify(row).includes('redirectSecret42');

describe('the token and redirects', () => {
  it.each([301, 302, 303, 307, 308])('never reaches another origin that a %i from an allowed origin points to', async (status) => {
    const { authFetch } = clientFor([first.origin]);
    const response = await authFetch(`${first.origin}/redirect/${status}/other`, { method: 'POST', body: '{"draft":"kept"}' });
    expect(await response.json()).toEqual({ where: 'other' });
    expect(response.url).toBe(`${other.origin}/landed`);
    expect(first.seen.map((row) => row.headers.authorization)).toEqual([`Bearer ${token}`]);
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
    expect(other.seen.filter(carriesToken)).toEqual([]);
    // 307 and 308 keep method and body; the others turn the POST into a GET.
    expect(other.seen[0]!.method).toBe(status >= 307 ? 'POST' : 'GET');
  });

  it('never reaches another origin even when that origin is allowed too: fetch drops Authorization across origins', async () => {
    const { authFetch } = clientFor([first.origin, other.origin]);
    const response = await authFetch(`${first.origin}/redirect/302/other`);
    expect(response.status).toBe(200);
    expect(other.seen.map((row) => row.headers.authorization)).toEqual([undefined]);
    expect(other.seen.filter(carriesToken)).toEqual([]);
  });

  it.each([302, 307])('keeps working through a %i within the allowed origin: the token and the body follow', async (status) => {
    const { authFetch } = clientFor([first.origin]);
    const response = await authFetch(`${first.origin}/redirect/${status}/same`, { method: 'POST', body: '{"draft":"kept"}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ where: 'first' });
    expect(first.seen.map((row) => [row.url, row.headers.authorization])).toEqual([
      [`/redirect/${status}/same`, `Bearer ${token}`],
      ['/landed', `Bearer ${token}`],
    ]);
    if (status === 307) expect(first.seen[1]!.body).toBe('{"draft":"kept"}');
    expect(validations).toBe(0);
  });

  it('sends nothing but the request itself to an origin that is not allowed', async () => {
    const { authFetch } = clientFor([first.origin]);
    const response = await authFetch(`${other.origin}/direct`, { headers: { 'x-mine': '1' } });
    expect(response.status).toBe(200);
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
    expect(other.seen[0]!.headers['x-mine']).toBe('1');
    expect(other.seen.filter(carriesToken)).toEqual([]);
  });
});
