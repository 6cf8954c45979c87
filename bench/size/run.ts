// `npm run size`: exits 1 when the layer is over its budget or the production bundle ships msw, the mocks or the inspector.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FORBIDDEN, inspectAppBundle } from './app-bundle.ts';
import { measureBundle, measureSessionLayer } from './measure.ts';
import { authFetchOnlyEntry, BUDGET_BYTES, EXTERNAL, SESSION_LAYER, sessionLayerEntry } from './session-layer.ts';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const bytes = (n: number) => `${n.toLocaleString('en-US')} B`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const versionOf = (name: string) => (createRequire(`${root}/`)(`${name}/package.json`) as { version: string }).version;
/** Each is a complete client for a login that expires: what an app adds instead of this layer. */
const ANCHORS = ['@auth0/auth0-spa-js', 'oidc-client-ts', '@azure/msal-browser'];

const layer = await measureSessionLayer(root);
const over = layer.gzipBytes - BUDGET_BYTES;
console.log('\n## Session layer (gzip -9, minified, xstate / React excluded)\n');
console.log(
  `${SESSION_LAYER.entry} and the chart: ${bytes(layer.gzipBytes)} (${bytes(layer.minifiedBytes)} minified) of ${bytes(BUDGET_BYTES)}: ${over > 0 ? `OVER by ${bytes(over)}` : `${bytes(-over)} to spare`}`,
);
console.log('\nShare by module (bytes as rendered, before minification):');
for (const module of layer.modules) console.log(`  ${String(module.renderedBytes).padStart(6)}  ${module.file}`);

// React only: the layer does not import it, and it would not count as the layer's if it did.
const rows = [
  { name: 'the layer alone (its budget)', size: layer },
  { name: 'createAuthFetch and its errors only', size: await measureBundle(root, authFetchOnlyEntry(root), EXTERNAL) },
  {
    name: `the layer with xstate ${versionOf('xstate')}`,
    size: await measureBundle(root, sessionLayerEntry(root), /^(react|react-dom)(\/|$)/),
  },
];
for (const name of ANCHORS)
  rows.push({ name: `${name} ${versionOf(name)}`, size: await measureBundle(root, `export * from ${JSON.stringify(name)};`) });
console.log('\n## Beside the anchors (each with all it imports; same Vite build, gzip -9)\n');
console.log('| bundle | minified | gzip -9 |\n| --- | --- | --- |');
for (const { name, size } of rows) console.log(`| ${name} | ${kb(size.minifiedBytes)} | ${kb(size.gzipBytes)} |`);

const app = await inspectAppBundle(root);
console.log('\n## Production app bundle (npm run build, mode production)\n');
if (!app.built) console.warn('no index.html: the app bundle was NOT checked.');
else if (app.offenders.length) for (const line of app.offenders) console.log(`ships ${line}`);
else console.log(`none of ${FORBIDDEN.map((f) => f.what).join(', ')} ships.`);
if (over > 0 || !app.built || app.offenders.length) process.exitCode = 1;
