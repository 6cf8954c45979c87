import { describe, expect, it } from 'vitest';
import { balancedOrder, carryoverCircuit, cycleLength } from '../../bench/balanced-order.ts';

/** How often each item ran at each position, and right after each other item, over `turns` turns. */
function tally(n: number, turns: number) {
  const items = Array.from({ length: n }, (_, i) => i);
  const positions = new Map<string, number>();
  const neighbours = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (let turn = 0; turn < turns; turn++) {
    const order = balancedOrder(items, turn);
    expect([...order].sort()).toEqual(items);
    order.forEach((item, position) => bump(positions, `${item}@${position}`));
    order.slice(1).forEach((item, i) => bump(neighbours, `${order[i]}→${item}`));
  }
  return { positions, neighbours };
}

describe('balancedOrder (the bench runs contenders in it)', () => {
  it.each([2, 3, 4, 5, 6])('over one cycle, %i contenders each run at every position and right after every other equally often', (n) => {
    const { positions, neighbours } = tally(n, cycleLength(n));
    expect(positions.size).toBe(n * n);
    expect(new Set(positions.values()).size).toBe(1);
    expect(neighbours.size).toBe(n * (n - 1));
    expect(new Set(neighbours.values()).size).toBe(1);
  });

  it('fixes what the plain rotation got wrong: the mutex recipe no longer runs right before authFetch in most storms', () => {
    const storms = ['authFetch', 'axios', 'ky', 'mutex'];
    const before = Array.from({ length: 4 }, (_, turn) => balancedOrder(storms, turn)).filter((order) => order.indexOf('mutex') === order.indexOf('authFetch') - 1);
    expect(before).toHaveLength(1);
  });

  it('repeats with its cycle, so any number of turns stays balanced cycle by cycle', () => {
    expect(balancedOrder(['a', 'b', 'c'], 7)).toEqual(balancedOrder(['a', 'b', 'c'], 1));
    expect(balancedOrder(['a', 'b', 'c', 'd'], 0)).toEqual(['a', 'b', 'd', 'c']);
  });
});

describe('carryoverCircuit (the hot path runs its blocks in it)', () => {
  it.each([2, 3, 4, 5, 6])('with %i contenders, each runs n−1 times and right after every other exactly once, around the circle', (n) => {
    const circuit = carryoverCircuit(n);
    expect(circuit).toHaveLength(n * (n - 1));
    const runs = new Map<number, number>();
    circuit.forEach((item) => runs.set(item, (runs.get(item) ?? 0) + 1));
    expect([...runs.keys()].sort()).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(new Set(runs.values())).toEqual(new Set([n - 1]));
    const pairs = circuit.map((item, i) => `${item}→${circuit[(i + 1) % circuit.length]}`);
    expect(new Set(pairs).size).toBe(n * (n - 1));
    expect(pairs.filter((pair) => pair.split('→')[0] === pair.split('→')[1])).toEqual([]);
  });

  it('is balanced where rows of balancedOrder laid end to end are not: across the joins, one item follows the first twice per cycle', () => {
    const joined = Array.from({ length: cycleLength(4) }, (_, turn) => balancedOrder([0, 1, 2, 3], turn)).flat();
    const afterFirst = joined.filter((item, i) => i > 0 && joined[i - 1] === 0);
    expect(afterFirst.filter((item) => item === 3)).toHaveLength(2);
    const circuit = carryoverCircuit(4);
    expect(circuit.filter((item, i) => circuit.at(i - 1) === 0).sort()).toEqual([1, 2, 3]);
  });

  it('gives one contender alone its own turns', () => {
    expect(carryoverCircuit(1)).toEqual([0]);
  });
});
