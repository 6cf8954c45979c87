// The app on the reference backend and the stand-in Google instead of the mock, for `npm run stack` and browser tests.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { missingPythonPackages, python, serverGroup, startServer, type RunningServer, type ServerGroup } from './processes.ts';

const backendDir = import.meta.dirname;
const root = resolve(backendDir, '..');

/** The dev OAuth client both Python apps are configured with. Not a secret: the stand-in is not Google. */
export const devClient = { id: 'quiet-session-dev-client', secret: 'quiet-session-dev-secret' } as const;

/** What `startBackend` needs to know. */
export interface BackendOptions {
  apiPort: number;
  googlePort: number;
  /** The SPA's origin: CORS, and the Google redirect URI `${appOrigin}/auth/google/callback`. */
  appOrigin: string;
  /** Lifetime of access tokens (the backend's default: 3600). */
  tokenTtlSeconds?: number;
  /** The backend's HS256 key (default: its public dev key, with a warning; required for an `appOrigin` not local). Tests set one to sign tokens. */
  jwtSecret?: string;
  /** Where the servers' output lines go, prefixed with their names (default: nowhere). */
  output?: (line: string) => void;
}

/** The backend and the stand-in Google, running. */
export interface Backend extends ServerGroup {
  apiUrl: string;
  googleUrl: string;
}

/**
 * Starts the FastAPI backend and the stand-in Google on 127.0.0.1, and waits
 * until both answer. Throws the one apt-get line when Debian's Python lacks
 * a package.
 *
 * @example
 * const backend = await startBackend({ apiPort, googlePort, appOrigin: 'http://localhost:5173' });
 * await fetch(`${backend.apiUrl}/auth/me`); // 401
 * await backend.stop();
 */
export async function startBackend(options: BackendOptions): Promise<Backend> {
  const missing = missingPythonPackages();
  if (missing) throw new Error(missing);
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  const googleUrl = `http://127.0.0.1:${options.googlePort}`;
  const shared = { ...process.env, GOOGLE_CLIENT_ID: devClient.id, GOOGLE_CLIENT_SECRET: devClient.secret, PYTHONUNBUFFERED: '1' };
  const uvicorn = (name: string, module: string, port: number, readyPath: string, env: NodeJS.ProcessEnv, flags: string[] = []) =>
    startServer({
      name,
      command: python,
      args: ['-m', 'uvicorn', module, '--host', '127.0.0.1', '--port', String(port), ...flags],
      cwd: backendDir,
      env: { ...shared, ...env },
      readyUrl: `http://127.0.0.1:${port}${readyPath}`,
      output: options.output,
    });
  const started: RunningServer[] = [];
  try {
    started.push(
      await uvicorn('google', 'google_standin.main:app', options.googlePort, '/.well-known/openid-configuration', {
        STANDIN_REDIRECT_URIS: `${options.appOrigin}/auth/google/callback`,
        STANDIN_ISSUER: googleUrl,
      }),
    );
    started.push(
      await uvicorn(
        'api',
        'app.main:app',
        options.apiPort,
        '/auth/me',
        {
          APP_ORIGIN: options.appOrigin,
          ...(options.tokenTtlSeconds === undefined ? {} : { TOKEN_TTL_SECONDS: String(options.tokenTtlSeconds) }),
          ...(options.jwtSecret === undefined ? {} : { JWT_SECRET: options.jwtSecret }),
          GOOGLE_AUTH_URL: `${googleUrl}/o/oauth2/v2/auth`,
          GOOGLE_TOKEN_URL: `${googleUrl}/token`,
          GOOGLE_JWKS_URL: `${googleUrl}/oauth2/v3/certs`,
          GOOGLE_ISSUER: googleUrl,
        },
        // The app dates each answer itself (app/main.py): uvicorn 0.17's Date is stale on a kept-alive connection.
        ['--no-date-header'],
      ),
    );
  } catch (error) {
    await serverGroup(started).stop();
    throw error;
  }
  return { apiUrl, googleUrl, ...serverGroup(started) };
}

/** The three servers of `npm run stack`. */
export interface Stack extends Backend {
  /** The app, `http://localhost:<app port>`: the origin the backend allows and Google redirects to. */
  appUrl: string;
}

/**
 * Starts the backend, the stand-in Google and the app's dev server on the
 * given ports, and resolves once all three answer. Browser tests pass free ports.
 *
 * @example
 * const stack = await startStack({ ports: { app: 5173, api: 8000, google: 8001 }, tokenTtlSeconds: 30 });
 * await page.goto(stack.appUrl);
 * await stack.stop();
 */
export async function startStack(options: {
  ports: { app: number; api: number; google: number };
  tokenTtlSeconds?: number;
  jwtSecret?: string;
  /** Where the app sends its API calls (default: the backend itself); a test puts a proxy there that it can take down. */
  appApiUrl?: string;
  /** `build`: what users ship, `vite build` served by `vite preview`, instead of the dev server (the default). */
  app?: 'dev' | 'build';
  output?: (line: string) => void;
}): Promise<Stack> {
  const appUrl = `http://localhost:${options.ports.app}`;
  const backend = await startBackend({ ...options, apiPort: options.ports.api, googlePort: options.ports.google, appOrigin: appUrl });
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  // The API's address is baked into a build: set before it, not when it is served.
  const env = { ...process.env, VITE_API_BASE_URL: options.appApiUrl ?? backend.apiUrl };
  const serve = ['--host', 'localhost', '--port', String(options.ports.app), '--strictPort'];
  let outDir: string | null = null;
  let app: RunningServer;
  try {
    if (options.app === 'build') {
      outDir = await mkdtemp(join(tmpdir(), 'quiet-session-stack-'));
      // NODE_ENV as `npm run build` has it: under vitest (NODE_ENV=test) Vite would build for development.
      await promisify(execFile)(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
        cwd: root,
        env: { ...env, NODE_ENV: 'production' },
      });
    }
    app = await startServer({
      name: 'app',
      command: process.execPath,
      args: outDir ? [vite, 'preview', '--outDir', outDir, ...serve] : [vite, ...serve],
      cwd: root,
      env,
      readyUrl: `${appUrl}/`,
      output: options.output,
    });
  } catch (error) {
    await backend.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
    throw error;
  }
  const appGroup = serverGroup([app]);
  const removeBuild = () => (outDir ? rm(outDir, { recursive: true, force: true }) : undefined);
  return {
    appUrl,
    apiUrl: backend.apiUrl,
    googleUrl: backend.googleUrl,
    stop: () =>
      Promise.all([appGroup.stop(), backend.stop()])
        .then(removeBuild)
        .then(() => undefined),
    ended: Promise.race([appGroup.ended, backend.ended]),
  };
}
