import { describe, expect, it } from 'vitest';
import { resultsTable, wholeSlicesTable } from '../../bench/report.ts';
import type { HotBlock, HotPathData } from '../../bench/scenarios/types.ts';
import { blockRatios } from '../../bench/hot-ratios.ts';
import { summarize, type RoundRecord } from '../../bench/summarize.ts';
import { checkTargets } from '../../bench/targets.ts';

/** A hot-path slice as hot-path.ts records it: the sums and each block, `block` requests each, all ended 200. */
function slice(block: number, blocks: HotBlock[]): HotPathData {
  const sum = (at: 1 | 2) => blocks.reduce((total, b) => total + b[at], 0);
  return { requests: block * blocks.length, ok: block * blocks.length, wallMs: sum(1), cpuMs: sum(2), block, blocks };
}

const record = (round: number, contender: string, data: HotPathData): RoundRecord => ({ round, scenario: 'S1', contender, data, failures: [], stepMs: data.wallMs });

describe('the hot path ratios of the bench', () => {
  it('pairs each block with the floor block that ran nearest to it, per request', () => {
    const floor = slice(25, [[0, 10, 8], [2, 12, 9], [5, 20, 20]]);
    // Step 1 lies between steps 0 and 2: their mean. Step 3 is nearest step 2. A block of 50 is compared per request.
    const mine = slice(50, [[1, 23, 17], [3, 24, 18]]);
    const [first, second] = blockRatios(mine, floor, 'wallMs');
    expect(first).toBeCloseTo(23 / 50 / (11 / 25));
    expect(second).toBeCloseTo(24 / 50 / (12 / 25));
    expect(blockRatios(mine, floor, 'cpuMs')[0]).toBeCloseTo(17 / 50 / (8.5 / 25));
  });

  it('has no ratio to give when the floor ran no block in the slice', () => {
    expect(blockRatios(slice(25, [[1, 10, 10]]), slice(25, []), 'wallMs')).toEqual([]);
  });

  it('judges the targets by the median block, and shows the slice that counts every block beside it', () => {
    // Four slices on a machine whose speed differs from slice to slice (k): the floor takes 10k ms a block, authFetch
    // 10.2k, but one of its blocks in a slice stalled (41.4k, 21.4k, not at all, 61.4k ms). Each slice is compared
    // within itself: whole slices read 1.8, 1.3, 1.02 and 2.3, whose median is 1.55 (pooled over the slices: 1.666).
    const stalls = [41.4, 21.4, 10.2, 61.4];
    const records = [11, 12, 13, 14].flatMap((round) => {
      const k = round - 10;
      const ms = (step: number) => (step === 5 ? stalls[k - 1]! : 10.2) * k;
      return [
        record(round, 'native fetch', slice(25, [0, 2, 4, 6].map((step): HotBlock => [step, 10 * k, 10 * k]))),
        record(round, 'authFetch', slice(25, [1, 3, 5, 7].map((step): HotBlock => [step, ms(step), ms(step)]))),
      ];
    });
    const summaries = summarize(records, ['native fetch', 'authFetch'], 'native fetch');
    const hot = summaries[1]!.hot.S1!;
    expect(hot.wallRatio).toBeCloseTo(1.02);
    expect(hot.cpuRatio).toBeCloseTo(1.02);
    expect(hot.sliceWallRatio).toBeCloseTo(1.55);
    expect(checkTargets(summaries, 'authFetch', []).filter((c) => c.scenario === 'S1')).toMatchObject([
      { target: 'time ≤ 1.05× native', measured: '1.020×', met: true },
      { target: 'CPU ≤ 1.05× native', measured: '1.020×', met: true },
    ]);
    expect(resultsTable(summaries).split('\n')[3]).toMatch(/^\| authFetch \| 1\.02× \| 1\.02× \| – \| – \|/);
    expect(wholeSlicesTable(summaries).split('\n')[3]).toBe('| authFetch | 1.55× | 1.55× | – | – |');
  });

  it('misses a target when most blocks are slower, not only a few', () => {
    const records = [11, 12].flatMap((round) => [
      record(round, 'native fetch', slice(25, [0, 2, 4].map((step): HotBlock => [step, 10, 10]))),
      record(round, 'authFetch', slice(25, [1, 3, 5].map((step): HotBlock => [step, step === 1 ? 10 : 10.8, 10]))),
    ]);
    const [time, cpu] = checkTargets(summarize(records, ['native fetch', 'authFetch'], 'native fetch'), 'authFetch', []);
    expect(time).toMatchObject({ measured: '1.080×', met: false });
    expect(cpu).toMatchObject({ measured: '1.000×', met: true });
  });
});
