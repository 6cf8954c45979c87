/**
 * `npm run size`: the session layer's own code, gzipped, against its budget
 * (xstate and React excluded), and the production app bundle checked for
 * msw, the mock backend and the inspector. Exits 1 over budget or when any
 * of those ships.
 */
import { fileURLToPath } from 'node:url';
import { FORBIDDEN, inspectAppBundle } from './app-bundle.ts';
import { measureSessionLayer } from './measure.ts';
import { BUDGET_BYTES, SESSION_LAYER } from './session-layer.ts';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const bytes = (n: number) => `${n.toLocaleString('en-US')} B`;

const layer = await measureSessionLayer(root);
const app = await inspectAppBundle(root);
const over = layer.gzipBytes - BUDGET_BYTES;

console.log('\n## Session layer (gzip -9, minified, xstate / React excluded)\n');
console.log(`${SESSION_LAYER.entry} and the chart: ${bytes(layer.gzipBytes)} (${bytes(layer.minifiedBytes)} minified) of ${bytes(BUDGET_BYTES)}: ${over > 0 ? `OVER by ${bytes(over)}` : `${bytes(-over)} to spare`}`);
console.log('\nShare by module (bytes as rendered, before minification):');
for (const module of layer.modules) console.log(`  ${String(module.renderedBytes).padStart(6)}  ${module.file}`);

console.log('\n## Production app bundle (npm run build, mode production)\n');
if (!app.built) console.warn('no index.html: the app bundle was NOT checked.');
else if (app.offenders.length) for (const line of app.offenders) console.log(`ships ${line}`);
else console.log(`none of ${FORBIDDEN.map((f) => f.what).join(', ')} ships.`);
if (over > 0 || !app.built || app.offenders.length) process.exitCode = 1;
