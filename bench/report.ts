import type { HeapPerHeld, PerCall } from './micro.ts';
import type { BodiesData, HeldData, StormData } from './scenarios/scenario.ts';

export type ScenarioId = 'S3' | 'S3e' | 'S4' | 'S5';

/** One scenario, one contender, one round; `data` null when the scenario itself threw. */
export interface RoundRecord {
  round: number;
  scenario: ScenarioId;
  contender: string;
  data: StormData | HeldData | BodiesData | null;
  failures: string[];
}

/** One target checked against one run. Missing a correctness target fails the run; a performance target is reported. */
type TargetCheck = { kind: 'correctness' | 'performance'; scenario: string; target: string; measured: string; met: boolean };

/** The heap target: bytes per held request. */
const HEAP_TARGET_BYTES = 700;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const span = (values: number[]) =>
  Math.min(...values) === Math.max(...values) ? String(values[0]) : `${Math.min(...values)}–${Math.max(...values)}`;
const us = (p: PerCall) => `${p.us.toFixed(2)} ± ${p.moeUs.toFixed(2)} µs`;
const table = (header: string[], rows: string[][]) =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

/** What each scenario shows of a contender's rounds: worst cases for correctness, medians for times (the drain, last). */
const FIGURES = {
  S3: (rounds: StormData[]) => ({
    'validate / re-auth': `${span(rounds.map((d) => d.validateCalls))} / ${span(rounds.map((d) => d.reauthCalls))}`,
    'OK (worst)': `${Math.min(...rounds.map((d) => d.ok))}/${rounds[0]!.requests}`,
    'sent on the dead token': median(rounds.map((d) => d.staleApiRequests)).toFixed(0),
  }),
  S4: (rounds: HeldData[]) => ({
    'sent while held': String(Math.max(...rounds.map((d) => d.sentWhileHeld))),
    'OK (worst)': `${Math.min(...rounds.map((d) => d.ok))}/${rounds[0]!.held + 1}`,
  }),
  S5: (rounds: BodiesData[]) => ({ 'identical (worst)': `${Math.min(...rounds.map((d) => d.identical))}/${rounds[0]!.requests}` }),
};
const figuresOf = (id: ScenarioId, rounds: NonNullable<RoundRecord['data']>[]): Record<string, string> => ({
  ...(FIGURES[id === 'S3e' ? 'S3' : id] as (rounds: unknown[]) => Record<string, string>)(rounds),
  drain: `${median(rounds.map((d) => d.drainMs)).toFixed(0)} ms`,
});

/** authFetch's correctness target in each scenario: met when no round of it failed (and, in a storm, it validated once). */
const TARGETS: Record<ScenarioId, string> = {
  S3: '1 validate, 1 re-auth, all OK, every round',
  S3e: '1 validate, 1 re-auth, all OK, every round',
  S4: '0 sent while held, 1 re-auth, all OK after reconnect',
  S5: 'every body byte-identical, 1 re-auth',
};

/**
 * authFetch's targets. Per call, "no more than the recipe" allows for
 * tinybench's margins: met while the two 95% intervals overlap or
 * authFetch's lies below.
 *
 * @example
 * const failed = checkTargets({ perCall, heap }, records).some((c) => c.kind === 'correctness' && !c.met);
 */
export function checkTargets(
  { perCall, heap }: { perCall?: PerCall[]; heap?: HeapPerHeld },
  records: readonly RoundRecord[],
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const [subject, recipe] = ['authFetch', 'fetch + async-mutex'].map((name) => perCall?.find((p) => p.name === name));
  if (subject && recipe) {
    const measured = `${us(subject)} vs ${us(recipe)}`;
    const met = subject.us - subject.moeUs <= recipe.us + recipe.moeUs;
    checks.push({ kind: 'performance', scenario: 'per call', target: '≤ the recipe (within the margins)', measured, met });
  }
  if (heap) {
    const [bytes, theirs] = [median(heap.authFetch.bytes), median(heap['fetch + async-mutex'].bytes)];
    const target = `≤ ${HEAP_TARGET_BYTES} B heap per held request`;
    const measured = `${bytes.toFixed(0)} B (recipe ${theirs.toFixed(0)} B)`;
    checks.push({ kind: 'performance', scenario: 'held', target, measured, met: bytes <= HEAP_TARGET_BYTES });
    const { worstOk, calls } = heap.authFetch;
    const allEnded = 'all held calls end 200 after sign-in (stub)';
    checks.push({ kind: 'correctness', scenario: 'held', target: allEnded, measured: `worst ${worstOk}/${calls}`, met: worstOk === calls });
  }
  for (const id of Object.keys(TARGETS) as ScenarioId[]) {
    const mine = records.filter((r) => r.contender === 'authFetch' && r.scenario === id);
    if (mine.length === 0) continue;
    // A round that threw has no data, and a failure that says so.
    const data = mine.flatMap((r) => (r.data ? [r.data] : []));
    const failures = mine.flatMap((r) => r.failures);
    const figures = data.length ? Object.entries(figuresOf(id, data)).filter(([name]) => name !== 'drain') : [];
    const measured = [figures.map(([name, value]) => `${name} ${value}`).join(', '), ...failures.slice(0, 1)].join('; ');
    const validatedOnce = !id.startsWith('S3') || data.every((d) => (d as StormData).validateCalls === 1);
    checks.push({ kind: 'correctness', scenario: id, target: TARGETS[id], measured, met: failures.length === 0 && validatedOnce });
  }
  return checks;
}

/** The micro-benchmark as a table: per call (tinybench's mean ± its 95% margin) and heap per held request (median, range). */
export function microTable(perCall: readonly PerCall[], heap?: HeapPerHeld): string {
  const rows = perCall.map((p) => {
    const bytes = heap?.[p.name as keyof HeapPerHeld]?.bytes.map(Math.round);
    return [p.name, us(p), bytes ? `${median(bytes).toFixed(0)} B (${Math.min(...bytes)}–${Math.max(...bytes)})` : '–'];
  });
  return table(['stub fetch, no network', 'per call', 'heap per held request (median, range)'], rows);
}

/** The scenarios as a table, a contender a row and a figure of a scenario a column. */
export function scenarioTable(records: readonly RoundRecord[], contenders: readonly string[]): string {
  const ids = [...new Set(records.map((r) => r.scenario))];
  const cells = (contender: string, id: ScenarioId) => {
    const data = records.flatMap((r) => (r.contender === contender && r.scenario === id && r.data ? [r.data] : []));
    return data.length ? figuresOf(id, data) : null;
  };
  const columns = ids.flatMap((id) => {
    const shown = contenders.map((contender) => cells(contender, id)).find(Boolean);
    return shown ? Object.keys(shown).map((name) => [id, name] as const) : [];
  });
  const rows = contenders.map((contender) => [contender, ...columns.map(([id, name]) => cells(contender, id)?.[name] ?? '–')]);
  return table(['contender', ...columns.map(([id, name]) => `${id} ${name}`)], rows);
}

/** The targets as a table: met, missed (performance) or **FAILED** (correctness). */
export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ['', 'target (authFetch)', 'measured', ''],
    checks.map((c) => [c.scenario, c.target, c.measured, c.met ? 'met' : c.kind === 'correctness' ? '**FAILED**' : 'missed']),
  );
}
