import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildProductionChunks } from './production-build.ts';

/**
 * What must never reach the production app bundle, and how to recognise it:
 * by module path, and by a string only that package's code contains.
 *
 * @example
 * FORBIDDEN.some((rule) => rule.module.test('/repo/node_modules/msw/lib/core/index.mjs')); // true
 */
export const FORBIDDEN = [
  { what: 'msw', module: /\/node_modules\/(msw|@mswjs)\//, text: /mockServiceWorker\.js|\[MSW\]/ },
  { what: 'the mock backend (src/mocks)', module: /\/src\/mocks\//, text: null },
  { what: '@statelyai/inspect', module: /\/node_modules\/@statelyai\/inspect\//, text: /stately\.ai\/registry\/inspect/ },
] as const;

/**
 * Builds the app as `npm run build` does (its vite.config.ts, mode
 * production unless `mode` says otherwise, e.g. 'mock' to see the check
 * catch something) without writing dist/, and lists every module and trace
 * of msw, the mock backend or the inspector in the output, lazy chunks included:
 * `offenders`, a line each, e.g. "msw: node_modules/msw/lib/core/index.mjs in index-3f2a.js";
 * `built` false when there is no index.html to build.
 */
export async function inspectAppBundle(root: string, mode = 'production'): Promise<{ built: boolean; offenders: string[] }> {
  if (!existsSync(join(root, 'index.html'))) return { built: false, offenders: [] };
  const chunks = await buildProductionChunks({ root, mode, logLevel: 'silent', build: { write: false } });
  const offenders: string[] = [];
  for (const output of chunks) {
    for (const rule of FORBIDDEN) {
      for (const id of Object.keys(output.modules)) {
        if (rule.module.test(id)) offenders.push(`${rule.what}: ${id.replace(`${root}/`, '')} in ${output.fileName}`);
      }
      if (rule.text?.test(output.code)) offenders.push(`${rule.what}: its text (${rule.text.source}) in ${output.fileName}`);
    }
  }
  return { built: true, offenders };
}
