/**
 * `npm run bench`: authFetch against native fetch and the three anchors, on
 * one local backend, in one run with interleaved rounds. Prints a markdown
 * table and a one-line summary; writes JSON to bench/results/. Exits 1 when
 * authFetch misses a target or fails a correctness check.
 *
 * Options: --rounds N (default 5), --hot-rounds N (S1 runs in the first N rounds, S2 in the first 2N; N defaults to twice
 * --rounds: their ratios are a few percent apart and need the samples, and a round gives S2 a fifth of S1's blocks;
 * before 97c4a90 S2 ran in N too), --held-rounds N (S4 runs in the first N rounds, default 1: its
 * 10,000-request drain is the run's most expensive step), --only S1,S3e (S3e: the storm at the token's exp), --contenders "native fetch,authFetch",
 * --candidate path/to/auth-fetch.ts (adds "authFetch (candidate)": a changed core, measured beside the current one),
 * --twin (adds "authFetch (twin)": the same core under a second name, an A/A check: its ratios should read as authFetch's),
 * --seed N (replays the hot path's order of a run: it prints its seed).
 * Run through `node --expose-gc` (the npm script does) or heap figures are noise.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBackend } from './backend.ts';
import { balancedOrder, cycleLength } from './balanced-order.ts';
import { buildCore } from './build-core.ts';
import { limitConnections } from './connections.ts';
import { authFetchContenderFrom } from './contenders/auth-fetch.ts';
import type { Contender, ContenderFactory, TokenStore } from './contenders/contender.ts';
import { contenders, createBenchAuth, createTokenStore } from './contenders/index.ts';
import { failureList, floorLine, resultsTable, summaryLine, targetsTable, wholeSlicesTable } from './report.ts';
import { describeCommit, writeResults } from './results.ts';
import { seededRandom, shuffled } from './seeded-random.ts';
import { bodies } from './scenarios/bodies.ts';
import { held } from './scenarios/held.ts';
import { hotPath, type HotPathSlice } from './scenarios/hot-path.ts';
import { storm } from './scenarios/storm.ts';
import type { Measured, Scenario } from './scenarios/types.ts';
import { summarize, type RoundRecord, type ScenarioId } from './summarize.ts';
import { checkTargets } from './targets.ts';

const SUBJECT = 'authFetch';
/** Sockets per origin for every contender; see connections.ts. */
const CONNECTIONS = 128;
const FLOOR = 'native fetch';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'held-rounds': { type: 'string', default: '1' },
    'hot-rounds': { type: 'string' },
    twin: { type: 'boolean', default: false },
    seed: { type: 'string' },
    only: { type: 'string' },
    contenders: { type: 'string' },
    candidate: { type: 'string' },
  },
});
/** `value` of option `name` as a whole number from `min` up to `max`; a clear exit for anything else. */
function wholeNumber(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got "${value}".`);
    process.exit(2);
  }
  return n;
}
const rounds = wholeNumber('rounds', args.rounds, 1);
const heldRounds = wholeNumber('held-rounds', args['held-rounds'], 0);
const hotRounds = args['hot-rounds'] === undefined ? 2 * rounds : wholeNumber('hot-rounds', args['hot-rounds'], 1);
/** Draws who takes which place in the hot path's circuit; printed and written down, so that a run's order can be replayed. */
const seed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : wholeNumber('seed', args.seed, 0, 2 ** 32 - 1);
const random = seededRandom(seed);
/**
 * Rounds `id` runs in: the hot path in more (its ratios are a few percent apart, its noise is not), S2 in twice as many
 * as S1 (a round gives it 16 blocks a contender against S1's 80: with half as many, its ratio's error was ±0.02-0.04,
 * against ±0.003 for S1's), S4 in fewer.
 */
const roundsOf = (id: ScenarioId) => (id === 'S4' ? heldRounds : id === 'S1' ? hotRounds : id === 'S2' ? 2 * hotRounds : rounds);
const only = new Set((args.only ?? 'S1,S2,S3,S3e,S4,S5').split(',') as ScenarioId[]);
// The cores as they ship (built like the app's production bundle), not as tsx compiles them: see build-core.ts.
const createCurrent = await buildCore('src/lib/auth-fetch.ts', 'current');
const current = authFetchContenderFrom('authFetch', createCurrent);
const candidate = args.candidate
  ? authFetchContenderFrom('authFetch (candidate)', await buildCore(resolve(args.candidate), 'candidate'))
  : null;
// An A/A check of the harness: the same core, same module, under a second name. Its ratios should read as authFetch's.
const twin = args.twin ? authFetchContenderFrom('authFetch (twin)', createCurrent) : null;
const chosen = [...contenders.map((c) => (c.name === current.name ? current : c)), ...(candidate ? [candidate] : []), ...(twin ? [twin] : [])].filter(
  (c) => !args.contenders || args.contenders.split(',').includes(c.name) || c === candidate || c === twin,
);

/**
 * `slices`: a round's requests are cut into this many slices (S3: a round runs this many storms),
 * each run by every contender in turn, and ratios are taken per slice. This VM's speed drifts by ±30%
 * within seconds; contenders measured a quarter of a second apart see the same machine, a few seconds
 * apart they do not. The hot path (`together`) goes further: within a slice the contenders take turns
 * block by block (see hot-path.ts), and its ratios pair blocks, not slices (see hot-ratios.ts).
 */
type Step = { id: ScenarioId; expiry: boolean; slices?: number } & (
  | { run: Scenario<unknown>; warmUp: Scenario<unknown>; together?: undefined }
  | { together: { run: HotPathSlice; warmUp: HotPathSlice } }
);
const scenarios: Step[] = [
  { id: 'S1', expiry: false, together: { run: hotPath(500, 1, 25), warmUp: hotPath(100, 1, 25) }, slices: 4 },
  { id: 'S2', expiry: false, together: { run: hotPath(500, 100, 125), warmUp: hotPath(250, 100, 125) }, slices: 4 },
  { id: 'S3', expiry: true, run: storm(1_000, 'revoked'), warmUp: storm(100, 'revoked'), slices: 4 },
  { id: 'S3e', expiry: true, run: storm(1_000, 'lapsed'), warmUp: storm(100, 'lapsed'), slices: 2 },
  { id: 'S4', expiry: true, run: held(10_000), warmUp: held(100) },
  { id: 'S5', expiry: true, run: bodies(200), warmUp: bodies(20) },
];

if (!(globalThis as { gc?: unknown }).gc) console.warn('⚠ run with node --expose-gc (npm run bench does): heap figures need a full GC.');
const [load] = loadavg();
if (load !== undefined && load > 1.5) {
  console.warn(`⚠ load average ${load.toFixed(1)} on ${cpus().length} cores: other processes share the CPU; expect noisy ratios and a slower run.`);
}
const startedAt = new Date();
const commit = describeCommit();
const clock = performance.now();
const backend = await startBackend();
await limitConnections(backend.origin, CONNECTIONS);
const auth = createBenchAuth(backend.origin);
const records: RoundRecord[] = [];
/** Seconds spent per scenario (and in warm-up), to keep the run under its 3 minutes. */
const steps = new Map<string, number>();

/** The contenders that run `scenario`: all of them, or for an expiry those that handle one. */
const takingPart = (scenario: Step) => chosen.filter((factory) => !scenario.expiry || factory.handlesExpiry);

/** A contender kept across the slices of one round, with its token store; made at its first slice. */
interface Kept {
  tokens: TokenStore;
  contender: Contender;
}

/** `factory`'s contender in `kept`, made there at its first use; a fresh one when nothing is kept. */
function contenderOf(factory: ContenderFactory, kept?: Map<string, Kept>): Kept {
  let made = kept?.get(factory.name);
  if (!made) {
    const tokens = createTokenStore();
    made = { tokens, contender: factory.create({ origin: backend.origin, tokens, auth }) };
    kept?.set(factory.name, made);
  }
  return made;
}

/** Counts a step's time toward its scenario (or the warm-up) and records what it measured. */
function record(round: number, scenario: Step, warm: boolean, contender: string, measured: Measured<unknown>, stepMs: number): void {
  const step = warm ? 'warm-up' : scenario.id;
  steps.set(step, (steps.get(step) ?? 0) + stepMs);
  if (!warm) records.push({ round, scenario: scenario.id, contender, data: measured.data as RoundRecord['data'], failures: measured.failures, stepMs });
}

const failed = (error: unknown): Measured<unknown> => ({
  data: null,
  failures: [`the scenario itself failed: ${error instanceof Error ? error.message : String(error)}`],
});

/**
 * Runs `scenario` once for every contender that takes part, recorded as `round`, with a fresh contender
 * each, or the ones in `kept` (made there at their first use, stopped by the caller). `turn` counts the
 * scenario's runs: the contenders that take part run in the order `balancedOrder` gives for it, so
 * that over a cycle nobody runs first on a cold process (or after a scenario that left the machine
 * busy) more often than the others, nor right after the same neighbour. (A plain rotation put the
 * mutex recipe right before authFetch in 3 of 4 storms, and authFetch first, after another
 * scenario, in the 4th; before that, rotating by the recorded round put authFetch first in 2 of 3.)
 * The hot path instead runs every contender in one go, taking turns block by block around a circuit,
 * their places in it shuffled (`turn` is where in the circuit the slice starts; see hot-path.ts).
 */
async function once(round: number, turn: number, scenario: Step, warm: boolean, kept?: Map<string, Kept>): Promise<void> {
  if (scenario.together) {
    // Shuffled afresh each slice: who takes which place in the circuit is drawn, so that nothing periodic in the
    // process (a scavenge every few blocks) can fall on the same contender slice after slice.
    const factories = shuffled(takingPart(scenario), random);
    const entrants: Array<Kept & { name: string }> = [];
    const started = performance.now();
    let byName: Map<string, Measured<unknown>> | undefined;
    try {
      for (const factory of factories) entrants.push({ name: factory.name, ...contenderOf(factory, kept) });
      byName = await scenario.together[warm ? 'warmUp' : 'run'](backend, entrants, turn);
    } catch (error) {
      byName = new Map(factories.map(({ name }) => [name, failed(error)]));
    } finally {
      if (!kept) entrants.forEach(({ contender }) => contender.stop());
    }
    const stepMs = (performance.now() - started) / factories.length;
    for (const { name } of factories) record(round, scenario, warm, name, byName.get(name)!, stepMs);
    return;
  }
  for (const factory of balancedOrder(takingPart(scenario), turn)) {
    const { tokens, contender } = contenderOf(factory, kept);
    let measured: Measured<unknown>;
    const stepStarted = performance.now();
    try {
      measured = await (warm ? scenario.warmUp : scenario.run)({ backend, contender, tokens });
    } catch (error) {
      measured = failed(error);
    } finally {
      if (!kept) contender.stop();
    }
    record(round, scenario, warm, factory.name, measured, performance.now() - stepStarted);
  }
}

try {
  const active = scenarios.filter((s) => only.has(s.id));
  process.stdout.write('warm-up');
  for (const scenario of active) await once(0, 0, scenario, true);
  const last = Math.max(...active.map((s) => roundsOf(s.id)));
  for (let round = 1; round <= last; round++) {
    process.stdout.write(` · round ${round}/${last}`);
    for (const scenario of active) {
      if (round > roundsOf(scenario.id)) continue;
      // Slice k of round r is recorded as round r·10+k: ratios pair contenders within one slice.
      const slices = scenario.slices ?? 1;
      // When a round holds whole cycles of the order (S3: 4 storms, 4 contenders), each round starts one order
      // later: the round's first run follows another scenario and drains slowest, and it went to authFetch every round.
      const shift = slices % cycleLength(takingPart(scenario).length) === 0 ? round - 1 : 0;
      // The hot path measures clients as an app holds one, for the page's life: one per contender for the round's
      // slices. Expiry scenarios start each contender afresh (a session that went through a storm is not reused).
      const kept = scenario.expiry ? undefined : new Map<string, Kept>();
      for (let slice = 0; slice < slices; slice++) {
        await once(slices > 1 ? round * 10 + slice : round, (round - 1) * slices + slice + shift, scenario, false, kept);
      }
      kept?.forEach(({ contender }) => contender.stop());
    }
  }
  process.stdout.write('\n\n');
} finally {
  await backend.stop();
}

const usable = records.filter((r) => r.data !== null);
const summaries = summarize(usable, chosen.map((c) => c.name), FLOOR);
for (const record of records.filter((r) => r.data === null)) {
  summaries.find((s) => s.contender === record.contender)?.failures.push(`round ${record.round} ${record.scenario}: ${record.failures.join('; ')}`);
}
// What users would pick instead: every contender that handles expiry, except ours.
const anchors = contenders.filter((c) => c.handlesExpiry && c.name !== SUBJECT).map((c) => c.name);
const checks = checkTargets(summaries, SUBJECT, anchors);
const subjectFailures = summaries.find((s) => s.contender === SUBJECT)?.failures ?? [];
const seconds = (performance.now() - clock) / 1000;

const slicesOf = (id: ScenarioId) => scenarios.find((s) => s.id === id)?.slices ?? 1;
console.log(resultsTable(summaries));
console.log(`\n${floorLine(summaries.find((s) => s.contender === FLOOR))} S1, S2: ${roundsOf('S1')} and ${roundsOf('S2')} rounds of ${slicesOf('S1')} slices, in which the contenders take turns block by block; a ratio is the median over every block of its ratio to the floor's nearest block. S3, S3e drain: medians of ${rounds} rounds of ${slicesOf('S3')} and ${slicesOf('S3e')} paired storms.\n`);
console.log(`The hot path slice by slice, every block counted (medians of per-slice ratios; not the targets' figures):\n\n${wholeSlicesTable(summaries)}\n`);
console.log(targetsTable(checks));
const candidateChecks = candidate ? checkTargets(summaries, candidate.name, anchors) : [];
if (candidate) console.log(`\n${targetsTable(candidateChecks, candidate.name)}`);
console.log('\nCorrectness failures:\n' + failureList(summaries));
const summary = summaryLine(checks, summaries, SUBJECT, anchors);
const where = [...steps].map(([step, ms]) => `${step} ${(ms / 1000).toFixed(0)} s`).join(', ');
console.log(`\n${summary} (${seconds.toFixed(0)} s: ${where}; seed ${seed})`);
const file = await writeResults({ startedAt, seconds, rounds, hotRounds, s2Rounds: roundsOf('S2'), commit, seed, records, summaries, checks: [...checks, ...candidateChecks], summary });
console.log(`JSON: ${file}`);
process.exitCode = checks.every((c) => c.met) && subjectFailures.length === 0 ? 0 : 1;
