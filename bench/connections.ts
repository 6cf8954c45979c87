import http from 'node:http';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * Caps the connections per origin of both HTTP stacks in the run: Node's
 * fetch (undici) and node:http (axios). Left alone, both open one socket per
 * concurrent request: 10,000 held requests replayed at once become 10,000
 * sockets, the backend runs out of file descriptors, and the table measures
 * the kernel instead of the clients. A browser caps far lower (6 per origin
 * over HTTP/1.1); the cap here sits above S2's concurrency of 100 so that the
 * hot path never waits for a socket.
 *
 * Node 20 does not export undici, so the dispatcher's class is taken from
 * the global dispatcher that the first fetch creates (the symbol is undici's
 * documented way to share one dispatcher across copies).
 *
 * @example
 * await limitConnections(backend.origin, 128);
 */
export async function limitConnections(origin: string, perOrigin: number): Promise<void> {
  http.globalAgent.maxSockets = perOrigin;
  const slot = globalThis as unknown as Record<symbol, { constructor: new (options: object) => unknown } | undefined>;
  if (!slot[GLOBAL_DISPATCHER]) await fetch(`${origin}/health`).then((r) => r.arrayBuffer());
  const Agent = slot[GLOBAL_DISPATCHER]?.constructor;
  if (!Agent) throw new Error('fetch has no undici global dispatcher to replace; cannot cap connections');
  slot[GLOBAL_DISPATCHER] = new Agent({ connections: perOrigin }) as never;
}
