import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Debian's interpreter, which has the packages below; the first `python3` on PATH may not. */
export const python = '/usr/bin/python3';

/** The one line to print when the backend's Python packages are missing. */
export const aptInstallCommand =
  'apt-get install -y python3-fastapi python3-uvicorn python3-jwt python3-httpx python3-multipart python3-cryptography python3-idna';

/**
 * Null when Debian's Python has every package the backend imports, else the
 * one-line message that says how to install them.
 *
 * @example
 * const missing = missingPythonPackages();
 * if (missing) throw new Error(missing);
 */
export function missingPythonPackages(): string | null {
  const check = spawnSync(python, ['-c', 'import fastapi, uvicorn, jwt, httpx, multipart, cryptography, idna'], { stdio: 'ignore' });
  return check.status === 0 ? null : `The backend needs Debian's Python packages: ${aptInstallCommand}`;
}

/** Every server started and not yet exited, for `killAllServers`. */
const live = new Set<ChildProcess>();

/**
 * SIGKILL to every server this process started, synchronously: for
 * `process.on('exit')` and a Ctrl-C during start-up, when there is no time to stop them.
 *
 * @example
 * process.on('exit', killAllServers);
 */
export function killAllServers(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
}

/** A server the stack runs as a child process. */
export interface ServerSpec {
  /** Prefix of its output lines, and its name in errors. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Any HTTP answer from this URL means the server is up. */
  readyUrl: string;
  /** Where its output lines go, prefixed; default: kept only for an error message. */
  output?: (line: string) => void;
}

/** A running server. */
export interface RunningServer {
  name: string;
  child: ChildProcess;
  /** Ends it and whatever it started (its process group); resolves once it has exited. */
  stop: () => Promise<void>;
  /** Resolves when it has exited, stopped or not. */
  exited: Promise<void>;
}

/**
 * Starts a server in its own process group and resolves once it answers HTTP
 * at `readyUrl` (polled, no fixed sleep); rejects with its last output lines
 * if it exits first or is not up within `timeoutMs`.
 *
 * @example
 * const api = await startServer({ name: 'api', command: python, args: ['-m', 'uvicorn', 'app.main:app'], ... });
 * await api.stop();
 */
export async function startServer(spec: ServerSpec, timeoutMs = 60_000): Promise<RunningServer> {
  // detached: its own process group, so that stopping it reaches its children too.
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      spec.output?.(`${spec.name.padEnd(6)} | ${line}`);
    });
  }
  let spawnError: Error | null = null;
  const exited = new Promise<void>((done) => {
    child.once('exit', () => done());
    // A command that cannot start emits 'error', and maybe no 'exit'.
    child.once('error', (error) => {
      spawnError = error;
      done();
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, 'SIGTERM');
    const late = setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(late);
  };
  const failure = (why: string) => new Error(`${spec.name} ${why}:\n${recent.join('\n')}`);
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(spec.readyUrl))) {
    if (gone)
      throw failure(
        spawnError ? `could not start (${String(spawnError)})` : `exited with ${child.exitCode ?? child.signalCode} before it was ready`,
      );
    if (Date.now() > deadline) {
      await stop();
      throw failure(`did not answer ${spec.readyUrl} within ${timeoutMs} ms`);
    }
    await new Promise((next) => setTimeout(next, 100));
  }
  return { name: spec.name, child, stop, exited };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The negative pid is the whole group: the server and anything it spawned.
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** True once anything at `url` answers HTTP (any status). */
async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2_000) })).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Servers started together, handled as one. */
export interface ServerGroup {
  /** Ends them all; resolves once every one has exited. */
  stop: () => Promise<void>;
  /** Resolves with the name of the first one that exits, stopped or not. */
  ended: Promise<string>;
}

/**
 * Handles `servers` as one.
 *
 * @example
 * const group = serverGroup([api, google]);
 * await group.stop();
 */
export function serverGroup(servers: readonly RunningServer[]): ServerGroup {
  return {
    stop: () => Promise.all(servers.map((server) => server.stop())).then(() => undefined),
    ended: Promise.race(servers.map((server) => server.exited.then(() => server.name))),
  };
}
