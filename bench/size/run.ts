/**
 * `npm run size`: the session layer's own code, gzipped, against its 4 KB
 * budget (xstate and React excluded), and the production app bundle checked
 * for msw, the mock backend and the inspector. Exits 1 over budget or when
 * any of those ships.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectAppBundle, FORBIDDEN } from './app-bundle.ts';
import { measureSessionLayer } from './measure.ts';
import { ALONGSIDE, BUDGET_BYTES, SESSION_LAYER } from './session-layer.ts';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const bytes = (n: number) => `${n.toLocaleString('en-US')} B`;
const core = SESSION_LAYER.filter((entry) => entry.required).map((entry) => entry.file);

const layer = await measureSessionLayer(root);
const coreOnly = await measureSessionLayer(root, core);
const alongside = ALONGSIDE.filter((entry) => existsSync(join(root, entry.file)));
const withAlongside = alongside.length ? await measureSessionLayer(root, undefined, alongside.map((entry) => entry.file)) : null;
// Each alone over the layer as well, so that one file's weight is not hidden in the sum (a file's margin includes what it imports).
const eachAlongside: { file: string; role: string; gzipBytes: number }[] = [];
for (const entry of alongside) {
  const size = await measureSessionLayer(root, undefined, [entry.file]);
  eachAlongside.push({ file: entry.file, role: entry.role, gzipBytes: size.gzipBytes - layer.gzipBytes });
}
const app = await inspectAppBundle(root);
const over = layer.gzipBytes - BUDGET_BYTES;

for (const file of layer.missing) {
  console.warn(`\n⚠⚠⚠ ${file} is MISSING: the session layer was measured WITHOUT it, so the size below is too small. ⚠⚠⚠`);
}
console.log('\n## Session layer (gzip -9, minified, xstate / @xstate/react / React excluded)\n');
console.log('| part | gzip |\n| --- | --- |');
console.log(`| core: machines/session.machine.ts + src/lib/auth-fetch.ts and its helpers | ${bytes(coreOnly.gzipBytes)} |`);
console.log(`| React binding: banner + AuthContext (marginal) | ${bytes(layer.gzipBytes - coreOnly.gzipBytes)} |`);
console.log(`| **total** (${bytes(layer.minifiedBytes)} minified) | **${bytes(layer.gzipBytes)}** of ${bytes(BUDGET_BYTES)} budget: ${over > 0 ? `**OVER by ${bytes(over)}**` : `${bytes(BUDGET_BYTES - layer.gzipBytes)} to spare`} |`);
if (withAlongside) {
  const names = alongside.map((entry) => entry.role).join(', ');
  console.log(`| not in the budget: ${names} (marginal) | ${bytes(withAlongside.gzipBytes - layer.gzipBytes)} |`);
  for (const entry of eachAlongside) console.log(`| &nbsp;&nbsp;of which ${entry.file} alone: ${entry.role} | ${bytes(entry.gzipBytes)} |`);
}
console.log('\nShare by module (bytes as rendered, before minification; code behind DEV is dropped only by the minifier):');
for (const module of layer.modules) console.log(`  ${String(module.renderedBytes).padStart(6)}  ${module.file}`);

console.log('\n## Production app bundle (npm run build, mode production)\n');
if (!app.built) {
  console.warn('⚠⚠⚠ no index.html: the app bundle was NOT checked. ⚠⚠⚠');
} else {
  console.log(`${app.jsFiles} JS file(s), ${bytes(app.jsGzipBytes)} gzip in all (React and xstate included).`);
  for (const rule of FORBIDDEN) {
    const found = app.offenders.filter((line) => line.startsWith(`${rule.what}:`));
    console.log(`${found.length === 0 ? '✓ absent' : `✗ SHIPPED (${found.length})`}: ${rule.what}`);
    for (const line of found.slice(0, 5)) console.log(`    ${line}`);
  }
  for (const file of app.publicFiles) {
    console.log(`note: ${file} is copied into dist/ as a static file (Vite's public dir): not bundled, and main.tsx never registers it in production.`);
  }
}

const failures = [
  ...(over > 0 ? [`session layer ${bytes(layer.gzipBytes)} gzip is over the ${bytes(BUDGET_BYTES)} budget by ${bytes(over)}`] : []),
  ...app.offenders,
];
const directory = fileURLToPath(new URL('../results/', import.meta.url));
await mkdir(directory, { recursive: true });
await writeFile(`${directory}size.json`, JSON.stringify({ date: new Date().toISOString(), budgetBytes: BUDGET_BYTES, layer, coreOnly, withAlongside, eachAlongside, app, failures }, null, 2));
console.log(failures.length === 0 ? '\nsize: within budget, nothing forbidden shipped.' : `\nsize: FAILED\n${failures.map((f) => `  - ${f}`).join('\n')}`);
process.exitCode = failures.length === 0 ? 0 : 1;
