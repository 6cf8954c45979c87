import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendCommand, BackendReply, BackendStats } from './protocol.ts';

/** Distributes `Omit` over a union, so each command keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The benchmark's handle on its backend process. */
export interface Backend {
  /** e.g. `http://127.0.0.1:41234`: the one origin every contender talks to. */
  readonly origin: string;
  /** A fresh valid token, issued without counting as a re-auth. */
  issueToken(): Promise<string>;
  /** A token whose `exp` has passed, which the server refuses: the user is back after its lifetime. */
  issueLapsedToken(): Promise<string>;
  /** Every token issued so far stops being accepted; the next re-auth issues a good one. */
  expireTokens(): Promise<void>;
  stats(): Promise<BackendStats>;
  resetStats(): Promise<void>;
  /** While closed, `/auth/reauth` does not answer: the sign-in popup is still open. */
  setReauthGate(closed: boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Forks `server.ts` (through tsx) and resolves once it listens.
 *
 * @example
 * const backend = await startBackend();
 * const token = await backend.issueToken();
 * await fetch(`${backend.origin}/api/item`, { headers: { Authorization: `Bearer ${token}` } });
 * await backend.stop();
 */
export function startBackend(): Promise<Backend> {
  const script = fileURLToPath(new URL('./server.ts', import.meta.url));
  // Our own execArgv (--expose-gc, --cpu-prof) is not the server's business; tsx is.
  const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench backend exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message: { type?: string; origin?: string }) => {
      if (message.type !== 'ready' || !message.origin) return reject(new Error('bench backend did not say ready'));
      child.off('exit', onExit);
      resolve(connect(child, message.origin));
    });
  });
}

function connect(child: ChildProcess, origin: string): Backend {
  let lastId = 0;
  const pending = new Map<number, (result: BackendReply['result']) => void>();
  child.on('message', (reply: BackendReply) => {
    pending.get(reply.id)?.(reply.result);
    pending.delete(reply.id);
  });
  child.on('exit', () => {
    // A backend that dies mid-run must fail the run, not hang it.
    for (const [id] of pending) pending.get(id)?.(null);
    pending.clear();
  });
  const call = (command: WithoutId<BackendCommand>) =>
    new Promise<BackendReply['result']>((resolve, reject) => {
      if (!child.connected) return reject(new Error('bench backend is gone'));
      const id = ++lastId;
      pending.set(id, resolve);
      child.send({ ...command, id });
    });
  const issue = async (lapsed: boolean) => {
    const token = await call({ type: 'issue', lapsed });
    if (typeof token !== 'string') throw new Error('bench backend issued no token');
    return token;
  };
  return {
    origin,
    issueToken: () => issue(false),
    issueLapsedToken: () => issue(true),
    expireTokens: async () => void (await call({ type: 'expire' })),
    stats: async () => {
      const stats = await call({ type: 'stats' });
      if (stats === null || typeof stats !== 'object') throw new Error('bench backend sent no stats');
      return stats;
    },
    resetStats: async () => void (await call({ type: 'reset' })),
    setReauthGate: async (closed) => void (await call({ type: 'gate', closed })),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
