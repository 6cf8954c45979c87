import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import type { createAuthFetch } from '../src/lib/auth-fetch.ts';
import { asProduction } from './size/production-env.ts';

/**
 * Builds an authFetch module the way the app's production build ships it (the
 * app's vite.config.ts, mode production, minified, xstate left external) and
 * imports it. The benchmark measures that, not the TypeScript as tsx runs it:
 * tsx compiles with esbuild's keepNames, which gives every named closure its
 * own property store (≈ 256 B each) and would bill each held request for a
 * few of them that no browser ever allocates.
 *
 * @example
 * const create = await buildCore('src/lib/auth-fetch.ts', 'current');
 */
export async function buildCore(entry: string, name: string): Promise<typeof createAuthFetch> {
  const root = resolve(import.meta.dirname, '..');
  const outDir = join(root, 'bench/results/core', name);
  await asProduction(() =>
    build({
      root,
      logLevel: 'silent',
      mode: 'production',
      build: {
        outDir,
        emptyOutDir: true,
        minify: true,
        target: 'es2022',
        copyPublicDir: false,
        rollupOptions: {
          input: resolve(root, entry),
          external: (id) => /^xstate(\/|$)/.test(id),
          preserveEntrySignatures: 'strict',
          output: { format: 'es', entryFileNames: 'auth-fetch.js' },
        },
      },
    }),
  );
  const built = (await import(pathToFileURL(join(outDir, 'auth-fetch.js')).href)) as { createAuthFetch: typeof createAuthFetch };
  return built.createAuthFetch;
}
