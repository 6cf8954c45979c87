import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { createAuthFetch } from '../src/lib/session/index.ts';
import { measureBundle } from './size/measure.ts';
import { sessionLayerEntry } from './size/session-layer.ts';

/**
 * Builds the session layer as the size budget measures it, that is as the
 * app's production build ships it (the app's vite.config.ts, mode
 * production, minified), xstate left external, and imports it. The
 * benchmark measures that, not the TypeScript as tsx runs it: tsx compiles
 * with esbuild's keepNames, which gives every named closure its own property
 * store (≈ 256 B each) and would bill each held request for a few of them
 * that no browser ever allocates.
 */
export async function buildCore(): Promise<typeof createAuthFetch> {
  const root = resolve(import.meta.dirname, '..');
  const { code } = await measureBundle(root, sessionLayerEntry(root), /^xstate(\/|$)/);
  // Inside the repo (bench/results/ is gitignored), so that the built module finds xstate in node_modules.
  const file = join(root, 'bench/results/core/session.js');
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, code);
  return ((await import(pathToFileURL(file).href)) as { createAuthFetch: typeof createAuthFetch }).createAuthFetch;
}
