import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';

/** The repository root: vite.config.ts and index.html live there. */
export const root = resolve(import.meta.dirname, '../../..');

/** A port the OS just handed out, for vite's strictPort. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createNetServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * Builds the app with vite's JS API into a temporary directory.
 *
 * @example
 * const outDir = await buildApp({ mode: 'mock' });
 */
export async function buildApp(options: { mode: string; env?: Record<string, string> }): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), `quiet-session-${options.mode}-`));
  // Vitest sets NODE_ENV=test, for which Vite builds a development bundle: build what `npm run build` builds.
  const env = { NODE_ENV: 'production', ...options.env };
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    await build({ root, mode: options.mode, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return outDir;
}

/** A built app served by `vite preview`. */
export interface ServedApp {
  url: string;
  close: () => Promise<void>;
}

/**
 * Builds the app in mock mode (msw backend included) and serves it with
 * vite's preview server on a free port. `env`: `VITE_*` settings for the build.
 *
 * @example
 * const app = await serveMockApp();
 * await page.goto(app.url);
 */
export async function serveMockApp(options: { env?: Record<string, string> } = {}): Promise<ServedApp> {
  const outDir = await buildApp({ mode: 'mock', env: options.env });
  const port = await freePort();
  const server = await preview({
    root,
    mode: 'mock',
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
