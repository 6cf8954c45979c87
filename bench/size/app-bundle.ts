import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { asProduction } from './production-env.ts';

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

/** The production app bundle, and what it should not contain. */
export interface AppBundleReport {
  /** False when there is no index.html to build (the app is not there yet). */
  built: boolean;
  jsFiles: number;
  jsGzipBytes: number;
  /** One line per forbidden module or trace found, e.g. "msw: node_modules/msw/lib/core/index.mjs". */
  offenders: string[];
  /** Files Vite copies from public/ as they are (not bundled), e.g. msw's worker script. */
  publicFiles: string[];
}

/**
 * Builds the app as `npm run build` does (its vite.config.ts, mode
 * production unless `mode` says otherwise, e.g. 'mock' to see the check
 * catch something) without writing dist/, and lists every module and trace
 * of msw, the mock backend or the inspector in the output, lazy chunks included.
 *
 * @example
 * const report = await inspectAppBundle(process.cwd());
 * if (report.offenders.length) process.exitCode = 1;
 */
export async function inspectAppBundle(root: string, mode = 'production'): Promise<AppBundleReport> {
  if (!existsSync(join(root, 'index.html'))) return { built: false, jsFiles: 0, jsGzipBytes: 0, offenders: [], publicFiles: [] };
  const result = await asProduction(() => build({ root, mode, logLevel: 'silent', build: { write: false } }));
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
  const offenders: string[] = [];
  let jsGzipBytes = 0;
  let jsFiles = 0;
  for (const output of outputs) {
    if (output.type !== 'chunk') continue;
    jsFiles += 1;
    jsGzipBytes += gzipSync(output.code, { level: 9 }).length;
    for (const rule of FORBIDDEN) {
      for (const id of Object.keys(output.modules)) {
        if (rule.module.test(id)) offenders.push(`${rule.what}: ${id.replace(`${root}/`, '')} in ${output.fileName}`);
      }
      if (rule.text?.test(output.code)) offenders.push(`${rule.what}: its text (${rule.text.source}) in ${output.fileName}`);
    }
  }
  const publicDir = join(root, 'public');
  const publicFiles = existsSync(join(publicDir, 'mockServiceWorker.js')) ? ['public/mockServiceWorker.js'] : [];
  return { built: true, jsFiles, jsGzipBytes, offenders, publicFiles };
}
