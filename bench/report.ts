import { span, type TargetCheck } from './targets.ts';
import { STORM_IDS, type ContenderSummary } from './summarize.ts';

const ratio = (r: number | undefined) => (r === undefined || Number.isNaN(r) ? '–' : `${r.toFixed(2)}×`);
const ms = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(0)} ms`);

/**
 * The results as one markdown table, a contender a row.
 *
 * @example
 * console.log(resultsTable(summaries));
 */
export function resultsTable(summaries: readonly ContenderSummary[]): string {
  const header = [
    'contender',
    'S1 time', 'S1 CPU', 'S2 time', 'S2 CPU',
    ...STORM_IDS.flatMap((id) => [`${id} validate / re-auth`, `${id} OK (worst)`, `${id} sent with the dead token`, `${id} drain`]),
    'S4 B/held', 'S4 sent while held', 'S4 OK (worst)', 'S4 drain',
    'S5 bodies identical (worst)',
  ];
  const rows = summaries.map((s) => [
    s.contender,
    ratio(s.hot.S1?.wallRatio), ratio(s.hot.S1?.cpuRatio), ratio(s.hot.S2?.wallRatio), ratio(s.hot.S2?.cpuRatio),
    ...STORM_IDS.flatMap((id) => {
      const storm = s.storms[id];
      if (!storm) return ['–', '–', '–', '–'];
      return [`${span(storm.validate)} / ${span(storm.reauth)}`, `${storm.worstOk}/${storm.requests}`, storm.stale.toFixed(0), ms(storm.drainMs)];
    }),
    s.held ? s.held.bytesPerHeld.toFixed(0) : '–',
    s.held ? String(s.held.maxSentWhileHeld) : '–',
    s.held ? `${s.held.worstOk}/${s.held.total}` : '–',
    ms(s.held?.drainMs),
    s.bodies ? `${s.bodies.worstIdentical}/${s.bodies.requests}` : '–',
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The hot path counted slice by slice, every block in (the scavenges and the
 * VM's slow moments too): the median over the slices of each slice's ratio to
 * the floor, a contender a row. Beside the targets' block-by-block figures,
 * it shows what they leave out.
 *
 * @example
 * console.log(wholeSlicesTable(summaries));
 */
export function wholeSlicesTable(summaries: readonly ContenderSummary[]): string {
  const rows = summaries
    .filter((s) => s.hot.S1 || s.hot.S2)
    .map((s) => `| ${s.contender} | ${ratio(s.hot.S1?.sliceWallRatio)} | ${ratio(s.hot.S1?.sliceCpuRatio)} | ${ratio(s.hot.S2?.sliceWallRatio)} | ${ratio(s.hot.S2?.sliceCpuRatio)} |`);
  return ['| whole slices | S1 time | S1 CPU | S2 time | S2 CPU |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * The floor's absolute figures, so that ratios can be read against something.
 *
 * @example
 * console.log(floorLine(summaries[0]));
 */
export function floorLine(floor: ContenderSummary | undefined): string {
  if (!floor) return '';
  const part = (id: 'S1' | 'S2') => {
    const hot = floor.hot[id];
    return hot ? `${id} ${hot.usPerRequest.toFixed(0)} µs wall, ${hot.cpuUsPerRequest.toFixed(0)} µs CPU per request` : `${id} not run`;
  };
  return `${floor.contender} (the 1.00× floor): ${part('S1')}; ${part('S2')}.`;
}

/**
 * The targets as a markdown table.
 *
 * @example
 * console.log(targetsTable(checkTargets(summaries, 'authFetch', anchors)));
 */
export function targetsTable(checks: readonly TargetCheck[], subject = 'authFetch'): string {
  const rows = checks.map((c) => `| ${c.scenario} | ${c.target} | ${c.measured} | ${c.met ? 'met' : '**MISSED**'} |`);
  return [`| scenario | target (${subject}) | measured | |`, '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * Every correctness failure, contender by contender.
 *
 * @example
 * console.log(failureList(summaries));
 */
export function failureList(summaries: readonly ContenderSummary[]): string {
  return summaries
    .map((s) => (s.failures.length === 0 ? `- ${s.contender}: no correctness failure` : [`- ${s.contender}: ${s.failures.length} failure(s)`, ...s.failures.map((f) => `  - ${f}`)].join('\n')))
    .join('\n');
}

/**
 * One line: are the targets met, and which anchors failed how often.
 *
 * @example
 * console.log(summaryLine(checks, summaries, 'authFetch', ['fetch + async-mutex']));
 */
export function summaryLine(
  checks: readonly TargetCheck[],
  summaries: readonly ContenderSummary[],
  subject: string,
  anchors: readonly string[],
): string {
  const missed = checks.filter((c) => !c.met);
  const mine = missed.length === 0 ? `${subject}: all ${checks.length} targets met` : `${subject}: ${missed.length}/${checks.length} targets missed (${missed.map((c) => `${c.scenario} ${c.target}`).join('; ')})`;
  const failed = summaries
    .filter((s) => anchors.includes(s.contender))
    .map((s) => `${s.contender} ${s.failures.length} failure(s)`);
  return `${mine}; anchors: ${failed.join(', ')}.`;
}
