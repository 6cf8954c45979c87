/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import type { HeapPerHeld, PerCall } from '../../bench/micro.ts';
import { checkTargets, scenarioTable, type RoundRecord } from '../../bench/report.ts';
import type { HeldData, StormData } from '../../bench/scenarios/scenario.ts';

const perCall = (authFetch: [number, number], recipe: [number, number]): PerCall[] => [
  { name: 'bare', us: 0.3, moeUs: 0.01 },
  { name: 'fetch + async-mutex', us: recipe[0], moeUs: recipe[1] },
  { name: 'authFetch', us: authFetch[0], moeUs: authFetch[1] },
];
const heap = (authFetch: number[], worstOk = 10_001): HeapPerHeld => ({
  authFetch: { bytes: authFetch, worstOk, calls: 10_001 },
  'fetch + async-mutex': { bytes: [760, 770, 750], worstOk: 10_001, calls: 10_001 },
});
const storm = (round: number, contender: string, data: Partial<StormData>, failures: string[] = []): RoundRecord => ({
  round,
  scenario: 'S3',
  contender,
  data: { requests: 1000, ok: 1000, validateCalls: 1, reauthCalls: 1, staleApiRequests: 1000, drainMs: 300, ...data },
  failures,
});
const check = (checks: ReturnType<typeof checkTargets>, scenario: string) => checks.find((c) => c.scenario === scenario);

describe('the targets of npm run bench', () => {
  it('meets the per-call target while authFetch is within the margins of the recipe, and misses it beyond', () => {
    // 0.62 − 0.03 = 0.59 ≤ 0.58 + 0.02 = 0.60: the intervals overlap.
    expect(check(checkTargets({ perCall: perCall([0.62, 0.03], [0.58, 0.02]) }, []), 'per call')).toMatchObject({
      kind: 'performance',
      met: true,
    });
    expect(check(checkTargets({ perCall: perCall([0.8, 0.03], [0.58, 0.02]) }, []), 'per call')).toMatchObject({
      met: false,
      measured: '0.80 ± 0.03 µs vs 0.58 ± 0.02 µs',
    });
  });

  it('takes the median of the rounds for the heap per held request, against 700 B', () => {
    const [target, answered] = checkTargets({ heap: heap([690, 1_400, 700]) }, []);
    expect(target).toMatchObject({ kind: 'performance', met: true, measured: '700 B (recipe 760 B)' });
    expect(answered).toMatchObject({ kind: 'correctness', met: true });
    expect(checkTargets({ heap: heap([701, 702, 650]) }, [])[0]!.met).toBe(false);
    expect(checkTargets({ heap: heap([600], 10_000) }, [])[1]).toMatchObject({
      kind: 'correctness',
      met: false,
      measured: 'worst 10000/10001',
    });
  });

  it('fails a storm in any round of which authFetch validated twice or failed, whatever the anchors did', () => {
    const good = [storm(1, 'authFetch', {}), storm(2, 'authFetch', {}), storm(1, 'ky', { ok: 1 }, ['1/1000 ended 200'])];
    expect(check(checkTargets({}, good), 'S3')).toMatchObject({
      kind: 'correctness',
      met: true,
      measured: 'validate / re-auth 1 / 1, OK (worst) 1000/1000, sent on the dead token 1000',
    });
    expect(check(checkTargets({}, [...good, storm(3, 'authFetch', { validateCalls: 2 })]), 'S3')!.met).toBe(false);
    const twice = storm(3, 'authFetch', { reauthCalls: 2 }, ['2 re-auths (popups) for one expiry']);
    expect(check(checkTargets({}, [...good, twice]), 'S3')).toMatchObject({ met: false, measured: expect.stringContaining('1 / 1–2') });
  });

  it('fails the held scenario on a round that threw, and says why', () => {
    const held: HeldData = { held: 100, sentWhileHeld: 0, ok: 101, reauthCalls: 1, drainMs: 50 };
    const records: RoundRecord[] = [
      { round: 1, scenario: 'S4', contender: 'authFetch', data: held, failures: [] },
      { round: 2, scenario: 'S4', contender: 'authFetch', data: null, failures: ['the scenario itself failed: boom'] },
    ];
    expect(check(checkTargets({}, records), 'S4')).toMatchObject({
      met: false,
      measured: 'sent while held 0, OK (worst) 101/101; the scenario itself failed: boom',
    });
  });

  it('shows every contender a row and each scenario its columns, worst cases and median drains', () => {
    const records = [
      storm(1, 'authFetch', { drainMs: 100 }),
      storm(2, 'authFetch', { drainMs: 300 }),
      storm(3, 'authFetch', { drainMs: 200, ok: 999 }),
    ];
    const [header, , mine, theirs] = scenarioTable(records, ['authFetch', 'ky']).split('\n');
    expect(header).toBe('| contender | S3 validate / re-auth | S3 OK (worst) | S3 sent on the dead token | S3 drain |');
    expect(mine).toBe('| authFetch | 1 / 1 | 999/1000 | 1000 | 200 ms |');
    expect(theirs).toBe('| ky | – | – | – | – |');
  });
});
