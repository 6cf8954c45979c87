import type { HotBlock, HotPathData } from './scenarios/types.ts';

/** Where a figure sits in a `HotBlock`. */
const AT = { wallMs: 1, cpuMs: 2 } as const;

/**
 * `mine`'s blocks of one slice, each as a ratio (per request) to the floor's
 * block nearest to it in the slice, counted in steps: to the mean of two when
 * one ran as near before it as the other after. With five contenders nearly
 * half the pairs are adjacent blocks and over 90% within three (at most seven:
 * ~50 ms in S1, ~100 ms in S2), where a slice spans seconds of a VM whose
 * speed swings by a third. The circuit puts the floor right before and right after
 * each contender equally often, so every contender is paired alike; what a
 * contender leaves behind for the next block (its garbage, its cache misses)
 * falls on the floor's block after it, the one it is paired with.
 *
 * @example
 * const floor = { block: 25, blocks: [[0, 10, 9], [2, 12, 11]] };
 * blockRatios({ block: 25, blocks: [[1, 11.5, 10]] }, floor, 'wallMs'); // [1.045…]: 11.5 / mean(10, 12)
 */
export function blockRatios(mine: Pick<HotPathData, 'block' | 'blocks'>, floor: Pick<HotPathData, 'block' | 'blocks'>, key: 'wallMs' | 'cpuMs'): number[] {
  const at = AT[key];
  // Results saved before blocks were recorded (a751bce) have none: no ratio rather than a throw (the median is then
  // NaN, and checkTargets reads the target as missed: recompute such runs with the whole-slice figures).
  const theirs = floor.blocks ?? [];
  if (theirs.length === 0) return [];
  return (mine.blocks ?? []).map((block: HotBlock) => {
    const distance = ([step]: HotBlock) => Math.abs(step - block[0]);
    const closest = Math.min(...theirs.map(distance));
    const nearest = theirs.filter((b) => distance(b) === closest);
    const floorPerRequest = nearest.reduce((sum, b) => sum + b[at], 0) / nearest.length / floor.block;
    return block[at] / mine.block / floorPerRequest;
  });
}
