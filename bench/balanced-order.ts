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
