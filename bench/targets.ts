import { pairedRatio, STORM_IDS, type ContenderSummary } from './summarize.ts';

/** One target of issue 4, checked against one run. */
export interface TargetCheck {
  scenario: string;
  target: string;
  measured: string;
  met: boolean;
}

const x = (ratio: number | undefined) => (ratio === undefined ? 'not run' : `${ratio.toFixed(3)}×`);

/**
 * Checks authFetch's figures against the targets. S3's drain is compared
 * with the fastest anchor that was correct in every round; when none was,
 * there is nothing to be slower than, and the check says so.
 *
 * @example
 * const checks = checkTargets(summaries, 'authFetch', ['fetch + async-mutex']);
 * const allMet = checks.every((c) => c.met);
 */
export function checkTargets(summaries: readonly ContenderSummary[], subject: string, anchors: readonly string[]): TargetCheck[] {
  const me = summaries.find((s) => s.contender === subject);
  if (!me) return [];
  const checks: TargetCheck[] = [];
  for (const [scenario, limit] of [['S1', 1.05], ['S2', 1.1]] as const) {
    const hot = me.hot[scenario];
    if (!hot) continue;
    checks.push({ scenario, target: `time ≤ ${limit}× native`, measured: x(hot.wallRatio), met: hot.wallRatio <= limit });
    checks.push({ scenario, target: `CPU ≤ ${limit}× native`, measured: x(hot.cpuRatio), met: hot.cpuRatio <= limit });
  }
  for (const scenario of STORM_IDS) {
    const s = me.storms[scenario];
    if (!s) continue;
    const exact = s.validate[0] === 1 && s.validate[1] === 1 && s.reauth[0] === 1 && s.reauth[1] === 1;
    checks.push({
      scenario,
      target: `1 validate, 1 re-auth, ${s.requests}/${s.requests} OK, every round`,
      measured: `validate ${span(s.validate)}, re-auth ${span(s.reauth)}, worst ${s.worstOk}/${s.requests}`,
      met: exact && s.worstOk === s.requests,
    });
    const correct = summaries.filter((o) => anchors.includes(o.contender) && o.storms[scenario]?.allCorrect);
    const drainOf = (o: ContenderSummary) => o.storms[scenario]!.drainMs;
    const fastest = correct.sort((a, b) => drainOf(a) - drainOf(b))[0];
    // Storm by storm: each of ours against the anchor's in the same slice, a moment apart.
    const ratio = fastest ? pairedRatio(s.drainByRound, fastest.storms[scenario]!.drainByRound) : Number.NaN;
    checks.push({
      scenario,
      target: 'drain ≤ fastest correct anchor (median of paired ratios ≤ 1)',
      measured: fastest
        ? `${x(ratio)} of ${fastest.contender} (medians ${s.drainMs.toFixed(0)} vs ${drainOf(fastest).toFixed(0)} ms)`
        : `${s.drainMs.toFixed(0)} ms; no anchor was correct in every round`,
      met: fastest ? ratio <= 1 : true,
    });
  }
  if (me.held) {
    const h = me.held;
    checks.push({ scenario: 'S4', target: '≤ 1 KB heap per held request', measured: `${h.bytesPerHeld.toFixed(0)} B`, met: h.bytesPerHeld <= 1024 });
    checks.push({ scenario: 'S4', target: '0 sent while held', measured: `${h.maxSentWhileHeld} (worst round)`, met: h.maxSentWhileHeld === 0 });
    checks.push({ scenario: 'S4', target: 'all complete after reconnect', measured: `worst ${h.worstOk}/${h.total}`, met: h.worstOk === h.total });
  }
  if (me.bodies) {
    const b = me.bodies;
    checks.push({ scenario: 'S5', target: `${b.requests}/${b.requests} bodies byte-identical`, measured: `worst ${b.worstIdentical}/${b.requests}`, met: b.worstIdentical === b.requests });
  }
  return checks;
}

/**
 * A range over rounds.
 *
 * @example
 * span([1, 1]); // '1'
 * span([1, 7]); // '1–7'
 */
export function span([low, high]: [number, number]): string {
  return low === high ? String(low) : `${low}–${high}`;
}
