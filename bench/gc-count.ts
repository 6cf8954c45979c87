/**
 * `node --expose-gc --import tsx bench/gc-count.ts [--runs 3] [--requests 10000]`: what the
 * collector does for 10,000 sequential GETs through bare fetch and through authFetch, each run in
 * a fresh process of its own (after 2,000 unmeasured GETs): scavenges, major GCs and their pause
 * time (`PerformanceObserver`, main thread only). It bounds what the hot path's median block
 * leaves out for authFetch; see README, Performance.
 *
 * @example
 * // node --expose-gc --import tsx bench/gc-count.ts --runs 3
 * // | run | client | scavenges | major GCs | GC pauses | of which scavenges | wall per request |
 */
import { execFileSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBackend } from './backend.ts';
import { buildCore } from './build-core.ts';
import { limitConnections } from './connections.ts';
import { authFetchContenderFrom } from './contenders/auth-fetch.ts';
import { createBenchAuth, createTokenStore } from './contenders/shared.ts';
import { nativeFetch } from './contenders/native.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, requests: { type: 'string', default: '10000' }, client: { type: 'string' } },
});
const requests = Number(args.requests);

/** Node's `detail.kind` of a GC entry: 1 a scavenge, 4 a major GC (mark-compact). */
const MINOR = 1;
const MAJOR = 4;

if (args.client) {
  // One client, measured in this process: its row as JSON on stdout.
  const backend = await startBackend();
  await limitConnections(backend.origin, 128);
  const factory = args.client === 'authFetch' ? authFetchContenderFrom('authFetch', await buildCore('src/lib/auth-fetch.ts', 'gc-count')) : nativeFetch;
  const tokens = createTokenStore();
  tokens.set(await backend.issueToken());
  const contender = factory.create({ origin: backend.origin, tokens, auth: createBenchAuth(backend.origin) });
  for (let i = 0; i < 2_000; i++) await contender.get('/api/item');
  const gcs: Array<{ kind: number; ms: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push({ kind: (entry as PerformanceEntry & { detail: { kind: number } }).detail.kind, ms: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const started = performance.now();
  for (let i = 0; i < requests; i++) await contender.get('/api/item');
  const wallMs = performance.now() - started;
  // GC entries are delivered a turn later.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  contender.stop();
  await backend.stop();
  const sum = (kind?: number) => gcs.filter((g) => kind === undefined || g.kind === kind).reduce((total, g) => total + g.ms, 0);
  console.log(JSON.stringify({
    scavenges: gcs.filter((g) => g.kind === MINOR).length,
    majors: gcs.filter((g) => g.kind === MAJOR).length,
    pauseMs: sum(),
    scavengeMs: sum(MINOR),
    wallUs: (wallMs * 1000) / requests,
  }));
} else {
  const script = fileURLToPath(import.meta.url);
  console.log('| run | client | scavenges | major GCs | GC pauses | of which scavenges | wall per request |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (let run = 1; run <= Number(args.runs); run++) {
    for (const client of ['native fetch', 'authFetch']) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, '--client', client, '--requests', String(requests)], { encoding: 'utf8' });
      const row = JSON.parse(out.trim().split('\n').at(-1)!) as { scavenges: number; majors: number; pauseMs: number; scavengeMs: number; wallUs: number };
      console.log(`| ${run} | ${client} | ${row.scavenges} | ${row.majors} | ${row.pauseMs.toFixed(0)} ms | ${row.scavengeMs.toFixed(0)} ms | ${row.wallUs.toFixed(0)} µs |`);
    }
  }
}
