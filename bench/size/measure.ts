import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { buildProductionChunks } from './production-build.ts';
import { EXTERNAL, sessionLayerEntry } from './session-layer.ts';

/** A bundle as a production build ships it; `modules`: each file's bytes as rendered before minification (a share, not a size). */
interface BundleSize {
  code: string;
  gzipBytes: number;
  minifiedBytes: number;
  modules: Array<{ file: string; renderedBytes: number }>;
}

const ENTRY = 'virtual:quiet-session-size-entry';

const virtualEntry = (code: string): Plugin => ({
  name: 'quiet-session-size-entry',
  resolveId: (id) => (id === ENTRY ? `\0${ENTRY}` : null),
  load: (id) => (id === `\0${ENTRY}` ? code : null),
});

/**
 * Bundles the module `entryCode` with everything it imports but what
 * `external` matches, minified like the app's production build (same Vite,
 * the app's vite.config.ts and its plugins, mode production, browser
 * resolution), and measures it gzipped (level 9, as CDNs serve it). Every
 * export of the entry is kept: the measure is a whole public API.
 *
 * @example
 * const auth0 = await measureBundle(root, 'export * from "@auth0/auth0-spa-js";');
 */
export async function measureBundle(root: string, entryCode: string, external: RegExp | null = null): Promise<BundleSize> {
  const conflicts: string[] = [];
  const chunks = await buildProductionChunks({
    root,
    logLevel: 'silent',
    mode: 'production',
    plugins: [virtualEntry(entryCode)],
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      copyPublicDir: false,
      rollupOptions: {
        input: ENTRY,
        external: (id) => external?.test(id) ?? false,
        // An app build drops an entry's exports; here they are the point.
        preserveEntrySignatures: 'strict',
        output: { format: 'es', codeSplitting: false },
        // Two files exporting one name would drop it from the entry and shrink the measurement: refuse.
        onwarn: (warning) => {
          if (/CONFLICT|AMBIGUOUS/.test(warning.code ?? '')) conflicts.push(warning.message);
        },
      },
    },
  });
  if (conflicts.length) throw new Error(`size: the entry's modules export a name twice:\n${conflicts.join('\n')}`);
  const code = chunks.map((chunk) => chunk.code).join('\n');
  const modules = chunks
    .flatMap((chunk) => Object.entries(chunk.modules))
    .filter(([id]) => !id.startsWith('\0'))
    .map(([id, info]) => ({ file: id.startsWith(root) ? id.slice(root.length + 1) : id, renderedBytes: info.renderedLength }))
    .filter((m) => m.renderedBytes > 0)
    .sort((a, b) => b.renderedBytes - a.renderedBytes);
  return { code, gzipBytes: gzipSync(code, { level: 9 }).length, minifiedBytes: Buffer.byteLength(code), modules };
}

/** The session layer's own code (the budget's measure): xstate, @xstate/react and React left out. */
export function measureSessionLayer(root: string): Promise<BundleSize> {
  return measureBundle(root, sessionLayerEntry(root), EXTERNAL);
}
