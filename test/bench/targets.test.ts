import { describe, expect, it } from 'vitest';
import { resultsTable } from '../../bench/report.ts';
import type { StormData } from '../../bench/scenarios/types.ts';
import { summarize, type RoundRecord, type StormId } from '../../bench/summarize.ts';
import { checkTargets } from '../../bench/targets.ts';

const NAMES = ['authFetch', 'mutex', 'axios'];

/** One storm as a contender ran it; `failures` as the storm scenario would list them. */
function storm(scenario: StormId, round: number, contender: string, data: Partial<StormData>, failures: string[] = []): RoundRecord {
  const full: StormData = { requests: 1000, ok: 1000, validateCalls: 0, reauthCalls: 1, staleApiRequests: 1000, drainMs: 300, ...data };
  return { round, scenario, contender, data: full, failures, stepMs: full.drainMs };
}

/** The checks of `scenario` for authFetch, with mutex and axios as the anchors. */
function checksOf(records: RoundRecord[], scenario: StormId) {
  return checkTargets(summarize(records, NAMES, 'native fetch'), 'authFetch', ['mutex', 'axios']).filter((c) => c.scenario === scenario);
}

describe('the storm targets of the bench (S3 revoked, S3e lapsed)', () => {
  it('pairs our drain storm by storm with the fastest anchor that was correct, not with a faster one that lost requests', () => {
    const records = [11, 12].flatMap((round) => [
      storm('S3e', round, 'authFetch', { validateCalls: 1, staleApiRequests: 0, drainMs: round === 11 ? 180 : 220 }),
      storm('S3e', round, 'mutex', { drainMs: round === 11 ? 400 : 410 }),
      storm('S3e', round, 'axios', { ok: 1, drainMs: 100 }, ['1/1000 ended 200']),
    ]);
    const [correctness, drain] = checksOf(records, 'S3e');
    expect(correctness).toMatchObject({ met: true, measured: 'validate 1, re-auth 1, worst 1000/1000' });
    // Median of 180/400 and 220/410.
    expect(drain!.measured).toBe('0.493× of mutex (medians 200 vs 405 ms)');
    expect(drain!.met).toBe(true);
  });

  it('misses a storm in which we asked for a second sign-in, and one in which we drained slower than the anchor', () => {
    const records = [
      storm('S3', 11, 'authFetch', { validateCalls: 1, drainMs: 330 }),
      storm('S3', 11, 'mutex', { drainMs: 300 }),
      storm('S3', 12, 'authFetch', { validateCalls: 1, reauthCalls: 2, drainMs: 320 }, ['2 re-auths (popups) for one expiry']),
      storm('S3', 12, 'mutex', { drainMs: 300 }),
    ];
    const [correctness, drain] = checksOf(records, 'S3');
    expect(correctness).toMatchObject({ met: false, measured: 'validate 1, re-auth 1–2, worst 1000/1000' });
    expect(drain).toMatchObject({ met: false, measured: '1.083× of mutex (medians 325 vs 300 ms)' });
  });

  it('has nothing to be slower than when no anchor was correct in every storm, and says so', () => {
    const records = [
      storm('S3e', 11, 'authFetch', { validateCalls: 1, staleApiRequests: 0, drainMs: 250 }),
      storm('S3e', 11, 'mutex', { reauthCalls: 2 }, ['2 re-auths (popups) for one expiry']),
    ];
    expect(checksOf(records, 'S3e')[1]).toMatchObject({ met: true, measured: '250 ms; no anchor was correct in every round' });
  });

  it('shows each storm in its own columns of the table, with the requests sent on the dead token', () => {
    const records = [
      storm('S3', 11, 'authFetch', { validateCalls: 1 }),
      storm('S3e', 11, 'authFetch', { validateCalls: 1, staleApiRequests: 0, drainMs: 150 }),
    ];
    const [header, , row] = resultsTable(summarize(records, ['authFetch'], 'native fetch')).split('\n');
    const cells = (line: string) => line.split(' | ');
    const cell = (name: string) => cells(row!)[cells(header!).indexOf(name)];
    expect(cell('S3 sent with the dead token')).toBe('1000');
    expect(cell('S3e sent with the dead token')).toBe('0');
    expect(cell('S3e validate / re-auth')).toBe('1 / 1');
    expect(cell('S3e drain')).toBe('150 ms');
  });
});
