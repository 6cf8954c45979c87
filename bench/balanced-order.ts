/**
 * The order in which `items` run on their `turn`th run: a Williams design, the
 * crossover trials' answer to carryover. Over one cycle (`cycleLength(n)` turns:
 * n when n is even, 2n when odd) every item runs in every position equally often,
 * and every item runs right after every other item equally often.
 *
 * A plain rotation does neither: rotating [authFetch, axios, ky, mutex], the
 * mutex recipe ran right before authFetch in 3 of 4 storms and ky right before
 * the mutex recipe in 3 of 4, so a storm that pays for the one before it paid
 * unevenly.
 *
 * @example
 * balancedOrder(['a', 'b', 'c', 'd'], 0); // ['a', 'b', 'd', 'c']
 * balancedOrder(['a', 'b', 'c', 'd'], 1); // ['b', 'c', 'a', 'd']
 */
export function balancedOrder<T>(items: readonly T[], turn: number): T[] {
  const n = items.length;
  // First row 0, 1, n−1, 2, n−2, …; row k adds k (mod n); with n odd, the second n rows are the first n reversed.
  const first = Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i % 2 === 1 ? (i + 1) / 2 : n - i / 2));
  const cycle = turn % cycleLength(n);
  const row = first.map((position) => items[(position + cycle) % n]!);
  return cycle < n ? row : row.reverse();
}

/**
 * Turns after which `balancedOrder` has balanced positions and neighbours for `n` items.
 *
 * @example
 * cycleLength(4); // 4
 * cycleLength(5); // 10
 */
export function cycleLength(n: number): number {
  return n % 2 === 0 ? n : 2 * n;
}

/**
 * A cyclic sequence of `n` items (indices) in which every item runs right after every
 * other exactly once: an Euler circuit of the complete directed graph, n·(n−1) long, each
 * item n−1 times. For a stream of turns with no break between them (the hot path's blocks),
 * where `balancedOrder`'s rows, laid end to end, are not balanced across their joins: with
 * four contenders the last of the list ran right after the first twice per cycle, the
 * others once, and read 7% faster than an identical copy of itself.
 *
 * @example
 * carryoverCircuit(3); // [0, 1, 2, 0, 2, 1]: 0→1, 1→2, 2→0, 0→2, 2→1 and, wrapping, 1→0
 */
export function carryoverCircuit(n: number): number[] {
  if (n < 2) return [0];
  // Hierholzer's walk: each item's unused successors, tried in order.
  const unused = Array.from({ length: n }, (_, item) => Array.from({ length: n - 1 }, (_, k) => (item + 1 + k) % n));
  const path = [0];
  const circuit: number[] = [];
  while (path.length) {
    const next = unused[path.at(-1)!]!.shift();
    if (next === undefined) circuit.push(path.pop()!);
    else path.push(next);
  }
  // The walk comes back to where it started: drop the repeated start to make it cyclic.
  return circuit.reverse().slice(0, -1);
}
