import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { BackendCommand, BackendReply, BackendStats } from './server.ts';

/** The benchmark's handle on its backend process. */
export type Backend = ReturnType<typeof connect>;

/**
 * Forks `server.ts` (through tsx: its CPU is never the client's), resolves
 * once it listens, and caps the connections per origin of both HTTP stacks
 * of this process at `connections`: Node's fetch (undici) and node:http
 * (axios). Left alone, both open one socket per concurrent request: 10,000
 * held requests replayed at once become 10,000 sockets, the backend runs out
 * of file descriptors, and the table measures the kernel, not the clients.
 *
 * @example
 * const backend = await startBackend(128);
 * const token = await backend.issueToken();
 * await backend.stop();
 */
export async function startBackend(connections: number): Promise<Backend> {
  const script = fileURLToPath(new URL('./server.ts', import.meta.url));
  // Our own execArgv (--expose-gc, --cpu-prof) is not the server's business; tsx is.
  const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const origin = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench backend exited early (code ${code})`)));
    child.once('error', reject);
    child.once('message', (message: { type?: string; origin?: string }) => {
      if (message.type === 'ready' && message.origin) resolve(message.origin);
      else reject(new Error('bench backend did not say ready'));
    });
  });
  http.globalAgent.maxSockets = connections;
  // Node 20 does not export undici: its Agent class is the global dispatcher's, which the first fetch creates.
  const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
  const slot = globalThis as unknown as Record<symbol, { constructor: new (options: object) => unknown } | undefined>;
  if (!slot[GLOBAL_DISPATCHER]) await fetch(`${origin}/health`).then((r) => r.arrayBuffer());
  const Agent = slot[GLOBAL_DISPATCHER]?.constructor;
  if (!Agent) throw new Error('fetch has no undici global dispatcher to replace; cannot cap connections');
  slot[GLOBAL_DISPATCHER] = new Agent({ connections }) as never;
  return connect(child, origin);
}

function connect(child: ChildProcess, origin: string) {
  let lastId = 0;
  const pending = new Map<number, (result: BackendReply['result']) => void>();
  child.on('message', (reply: BackendReply) => {
    pending.get(reply.id)?.(reply.result);
    pending.delete(reply.id);
  });
  child.on('exit', () => {
    // A backend that dies mid-run must fail the run, not hang it.
    for (const [, resolve] of pending) resolve(null);
    pending.clear();
  });
  const call = (command: BackendCommand) =>
    new Promise<BackendReply['result']>((resolve, reject) => {
      if (!child.connected) return reject(new Error('bench backend is gone'));
      pending.set(++lastId, resolve);
      child.send({ ...command, id: lastId });
    });
  const issue = async (lapsed: boolean) => {
    const token = await call({ type: 'issue', lapsed });
    if (typeof token !== 'string') throw new Error('bench backend issued no token');
    return token;
  };
  return {
    /** e.g. `http://127.0.0.1:41234`: the one origin every contender talks to. */
    origin,
    /** A fresh valid token, issued without counting as a re-auth. */
    issueToken: () => issue(false),
    /** A token whose `exp` has passed, which the server refuses: the user is back after its lifetime. */
    issueLapsedToken: () => issue(true),
    /** Every token issued so far stops being accepted; the next re-auth issues a good one. */
    expireTokens: async () => void (await call({ type: 'expire' })),
    stats: async (): Promise<BackendStats> => {
      const stats = await call({ type: 'stats' });
      if (stats === null || typeof stats !== 'object') throw new Error('bench backend sent no stats');
      return stats;
    },
    resetStats: async () => void (await call({ type: 'reset' })),
    /** While closed, `/auth/reauth` does not answer: the sign-in popup is still open. */
    setReauthGate: async (closed: boolean) => void (await call({ type: 'gate', closed })),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
