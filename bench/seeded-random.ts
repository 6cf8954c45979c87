/**
 * A seeded generator of floats in [0, 1) (mulberry32): the bench's random
 * choices can be replayed with the seed it prints.
 *
 * @example
 * const random = seededRandom(42); random(); // 0.6011037519201636, every time
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A shuffled copy of `items` (Fisher–Yates), drawn from `random`.
 *
 * @example
 * shuffled(['a', 'b', 'c'], seededRandom(1)); // the same order for the same seed
 */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
