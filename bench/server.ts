/**
 * The benchmark's backend, run in its own process (forked by `backend.ts`) so
 * that its CPU never counts as the client's. It plays the API and the
 * sign-in popup of the app on 127.0.0.1, and counts what a user cannot see:
 * validations, re-auths, and requests that arrived with a stale token.
 *
 * Control is over the IPC channel (see `BackendCommand`), never over HTTP, so
 * that no control traffic competes with the measured requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyStats, type BackendCommand, type BackendReply, type BackendStats } from './protocol.ts';

/** Tokens the server accepts. Issued tokens stay valid until `expire` (like JWTs until their `exp`). */
const valid = new Set<string>();
let generation = 0;
let stats: BackendStats = emptyStats();
let gateClosed = false;
/** Re-auth answers parked while the gate is closed: the popup is still open. */
let parked: Array<() => void> = [];

/**
 * A JWT-shaped token (the app parses `exp` on every call). Normally an hour from its `exp`: only the
 * server expires it (`expire`). `lapsed`: its `exp` has passed and the server refuses it, what a tab
 * holds when its user comes back after the token's lifetime.
 */
function issueToken(lapsed = false): string {
  generation += 1;
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + (lapsed ? -1 : 3600);
  const payload = { sub: 'bench-user', gen: generation, exp };
  const token = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.sig${generation}`;
  if (!lapsed) valid.add(token);
  return token;
}

function bearer(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : null;
}

function send(response: ServerResponse, status: number, body: string | Buffer, type = 'application/json'): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = request.url ?? '/';
  const body = await readBody(request);
  const token = bearer(request);
  const accepted = token !== null && valid.has(token);

  if (path === '/auth/me') {
    stats.validateCalls += 1;
    return accepted ? send(response, 200, '{"id":"bench-user"}') : send(response, 401, '{"detail":"expired"}');
  }
  if (path === '/auth/reauth' && request.method === 'POST') {
    stats.reauthCalls += 1;
    // Stands in for the popup: while the gate is closed the user has not finished signing in.
    if (gateClosed) await new Promise<void>((resolve) => parked.push(resolve));
    return send(response, 200, JSON.stringify({ token: issueToken() }));
  }
  if (path.startsWith('/api/')) {
    stats.apiRequests += 1;
    if (gateClosed) stats.apiWhileGated += 1;
    if (!accepted) {
      stats.staleApiRequests += 1;
      return send(response, 401, '{"detail":"token expired"}');
    }
    if (path === '/api/echo' && request.method === 'POST') {
      stats.echoes += 1;
      return send(response, 200, body, request.headers['content-type'] ?? 'application/octet-stream');
    }
    return send(response, 200, `{"ok":true,"gen":${generation}}`);
  }
  send(response, 404, '{"detail":"not found"}');
}

function run(command: BackendCommand): BackendReply['result'] {
  switch (command.type) {
    case 'issue':
      return issueToken(command.lapsed);
    case 'expire':
      valid.clear();
      return null;
    case 'stats':
      return { ...stats };
    case 'reset':
      stats = emptyStats();
      return null;
    case 'gate':
      gateClosed = command.closed;
      if (!gateClosed) {
        const waiting = parked;
        parked = [];
        waiting.forEach((release) => release());
      }
      return null;
  }
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => send(response, 500, JSON.stringify({ detail: String(error) })));
});
// Bursts of 1,000-10,000 connections: a deep accept queue and long keep-alive, like a production proxy.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.requestTimeout = 0;
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', origin: `http://127.0.0.1:${port}` });
});
process.on('message', (command: BackendCommand) => {
  const reply: BackendReply = { id: command.id, result: run(command) };
  process.send?.(reply);
});
process.on('disconnect', () => process.exit(0));
