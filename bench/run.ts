// `npm run bench [-- --rounds 3 --time 2000 --only micro,S3,S3e,S4,S5]`: exits 1 when authFetch fails a correctness check.
// Run it through `node --expose-gc`, as the npm script does: the heap figures need a full GC.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startBackend } from './backend.ts';
import { buildCore } from './build-core.ts';
import { authFetchContender } from './contenders/auth-fetch.ts';
import { axiosAuthRefresh } from './contenders/axios-refresh.ts';
import { createBenchAuth, createTokenStore, type ContenderFactory } from './contenders/contender.ts';
import { fetchMutex } from './contenders/fetch-mutex.ts';
import { kyRefresh } from './contenders/ky-refresh.ts';
import { heapPerHeld, perCallOverhead, type HeapPerHeld, type PerCall } from './micro.ts';
import { checkTargets, microTable, scenarioTable, targetsTable, type RoundRecord, type ScenarioId } from './report.ts';
import { bodies } from './scenarios/bodies.ts';
import { held } from './scenarios/held.ts';
import { storm } from './scenarios/storm.ts';
import type { Measured, Scenario } from './scenarios/scenario.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    time: { type: 'string', default: '2000' },
    only: { type: 'string', default: 'micro,S3,S3e,S4,S5' },
  },
});
const rounds = Number(args.rounds);
const timeMs = Number(args.time);
if (!(Number.isInteger(rounds) && rounds >= 1 && timeMs > 0)) {
  console.error('--rounds must be a whole number from 1 up, --time a number of milliseconds.');
  process.exit(2);
}
const only = new Set(args.only.split(','));
/** Held requests a micro-benchmark round holds, and its rounds. */
const HELD = 10_000;
const HEAP_ROUNDS = 5;
/** Sockets per origin for every contender, as a proxy in front of an API allows (see backend.ts). */
const CONNECTIONS = 128;

const [load] = loadavg();
console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, load average ${load?.toFixed(1)}`);
if (load !== undefined && load > 1) console.log('⚠ other processes share the CPU: expect wider margins and slower drains.');
const started = performance.now();
// The core as it ships (built like the app's production bundle), not as tsx compiles it: see build-core.ts.
const create = await buildCore();

const micro: { perCall?: PerCall[]; heap?: HeapPerHeld } = {};
if (only.has('micro')) {
  process.stdout.write('micro-benchmark: per call');
  micro.perCall = await perCallOverhead(create, timeMs);
  process.stdout.write(', heap per held request');
  micro.heap = await heapPerHeld(create, HELD, HEAP_ROUNDS);
  process.stdout.write('\n');
}

/** The scenarios, each with a smaller run that warms every contender up first (not recorded). */
const scenarios: Array<{ id: ScenarioId; run: Scenario<RoundRecord['data']>; warmUp: Scenario<RoundRecord['data']> }> = [
  { id: 'S3', run: storm(1_000, 'revoked'), warmUp: storm(100, 'revoked') },
  { id: 'S3e', run: storm(1_000, 'lapsed'), warmUp: storm(100, 'lapsed') },
  { id: 'S4', run: held(HELD), warmUp: held(100) },
  { id: 'S5', run: bodies(200), warmUp: bodies(20) },
];
const active = scenarios.filter((s) => only.has(s.id));
/** authFetch, then the anchors: what users would pick instead. */
const ANCHORS = [fetchMutex, axiosAuthRefresh, kyRefresh];
const contenders: ContenderFactory[] = [authFetchContender(create), ...ANCHORS];
const records: RoundRecord[] = [];
if (active.length) {
  const backend = await startBackend(CONNECTIONS);
  const auth = createBenchAuth(backend.origin);
  /** Runs `scenario` once for `factory`, on a fresh contender; a scenario that throws is a failure, not the end of the run. */
  const once = async (scenario: Scenario<RoundRecord['data']>, factory: ContenderFactory): Promise<Measured<RoundRecord['data']>> => {
    const tokens = createTokenStore();
    const contender = factory.create({ origin: backend.origin, tokens, auth });
    try {
      return await scenario({ backend, contender, tokens });
    } catch (error) {
      return { data: null, failures: [`the scenario itself failed: ${error instanceof Error ? error.message : String(error)}`] };
    } finally {
      contender.stop?.();
    }
  };
  try {
    process.stdout.write('scenarios: warm-up');
    for (const { warmUp } of active) for (const factory of contenders) await once(warmUp, factory);
    for (let round = 1; round <= rounds; round++) {
      process.stdout.write(` · round ${round}/${rounds}`);
      // Each round starts with another contender: none always runs first, right after another scenario.
      const order = contenders.map((_, index) => contenders[(index + round - 1) % contenders.length]!);
      for (const { id, run } of active) {
        for (const factory of order) records.push({ round, scenario: id, contender: factory.name, ...(await once(run, factory)) });
      }
    }
    process.stdout.write('\n');
  } finally {
    await backend.stop();
  }
}

const checks = checkTargets(micro, records);
if (micro.perCall)
  console.log(
    `\nOn a stub fetch (tinybench, ${timeMs} ms a task; heap: ${HEAP_ROUNDS} rounds of ${HELD.toLocaleString('en-US')} held):\n\n${microTable(micro.perCall, micro.heap)}`,
  );
if (records.length) {
  const names = contenders.map((contender) => contender.name);
  const table = scenarioTable(records, names);
  console.log(`\nAgainst the anchors on one local backend (${rounds} round(s); drains are medians):\n\n${table}`);
}
console.log(`\n${targetsTable(checks)}\n`);
for (const { name } of ANCHORS) {
  const failures = new Set(records.flatMap((r) => (r.contender === name ? r.failures.map((f) => `${r.scenario}: ${f}`) : [])));
  if (failures.size) console.log(`${name}: ${[...failures].slice(0, 3).join('; ')}`);
}
const failed = checks.filter((c) => c.kind === 'correctness' && !c.met);
const missed = checks.filter((c) => c.kind === 'performance' && !c.met).map((c) => c.scenario);
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(
  `\nauthFetch: ${failed.length ? `FAILED ${failed.length} correctness check(s)` : 'every correctness check passed'}; performance targets ${missed.length ? `missed: ${missed.join(', ')}` : 'met'} (${seconds} s).`,
);
process.exitCode = failed.length ? 1 : 0;
