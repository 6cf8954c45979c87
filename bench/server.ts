// The benchmark's backend in its own process, controlled over IPC so that no control traffic competes with requests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the backend counted since the last `reset`: calls to `/auth/me` (validate) and `/auth/reauth`
 * (each a sign-in popup), requests to `/api/*`, and those of them with a token it no longer accepts.
 */
export type BackendStats = Record<'validateCalls' | 'reauthCalls' | 'apiRequests' | 'staleApiRequests', number>;

/** A command from backend.ts, sent with an `id` for its reply: a token for `issue`, the counters for `stats`, null otherwise. */
export type BackendCommand =
  | { type: 'issue'; lapsed?: boolean }
  | { type: 'expire' | 'stats' | 'reset' }
  | { type: 'gate'; closed: boolean };
export type BackendReply = { id: number; result: string | BackendStats | null };

const emptyStats = (): BackendStats => ({ validateCalls: 0, reauthCalls: 0, apiRequests: 0, staleApiRequests: 0 });

/** Tokens the server accepts. Issued tokens stay valid until `expire` (like JWTs until their `exp`). */
const valid = new Set<string>();
let generation = 0;
let stats: BackendStats = emptyStats();
let gateClosed = false;
/** Re-auth answers parked while the gate is closed: the popup is still open. */
const parked: Array<() => void> = [];

/** A JWT-shaped token an hour from its `exp`; `lapsed`, past it, as a tab holds when its user comes back later. */
function issueToken(lapsed = false): string {
  generation += 1;
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + (lapsed ? -1 : 3600);
  const token = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 'bench-user', gen: generation, exp })}.sig${generation}`;
  if (!lapsed) valid.add(token);
  return token;
}

function send(response: ServerResponse, status: number, body: string | Buffer, type = 'application/json'): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = request.url ?? '/';
  const body = await readBody(request);
  const accepted = valid.has(request.headers.authorization?.replace(/^Bearer /, '') ?? '');

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
    if (!accepted) {
      stats.staleApiRequests += 1;
      return send(response, 401, '{"detail":"token expired"}');
    }
    if (path === '/api/echo' && request.method === 'POST') {
      return send(response, 200, body, request.headers['content-type'] ?? 'application/octet-stream');
    }
    return send(response, 200, `{"ok":true,"gen":${generation}}`);
  }
  send(response, 404, '{"detail":"not found"}');
}

function run(command: BackendCommand): BackendReply['result'] {
  if (command.type === 'issue') return issueToken(command.lapsed);
  if (command.type === 'stats') return { ...stats };
  if (command.type === 'expire') valid.clear();
  if (command.type === 'reset') stats = emptyStats();
  if (command.type === 'gate') {
    gateClosed = command.closed;
    if (!gateClosed) for (const release of parked.splice(0)) release();
  }
  return null;
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
process.on('message', (command: BackendCommand & { id: number }) =>
  process.send?.({ id: command.id, result: run(command) } satisfies BackendReply),
);
process.on('disconnect', () => process.exit(0));
