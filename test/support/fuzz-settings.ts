/**
 * The fuzz's settings from the environment: the seed of every property (set
 * for the whole suite by fuzz-seed.setup.ts), and how many runs the fuzz
 * suites make.
 *
 * `npm test` runs a fixed seed, so that a run of the same code reads the same
 * cases and CI cannot fail by chance; `FUZZ_SEED=random` explores new cases
 * (`npm run fuzz`), and the seed fast-check prints on failure replays them
 * (with FUZZ_PATH for the session fuzz).
 */
export const defaultSeed = 20261129;

/**
 * The seed FUZZ_SEED asks for: unset → defaultSeed, `random` → none
 * (fast-check draws one and prints it on failure), an integer → that one.
 *
 * @example
 * seedFrom(undefined); // 20261129
 */
export function seedFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return defaultSeed;
  if (value === 'random') return undefined;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new TypeError(`FUZZ_SEED must be an integer or "random", got ${JSON.stringify(value)}.`);
  return seed;
}

/**
 * The runs FUZZ_RUNS asks for: unset → 1,000, else a positive integer.
 *
 * @example
 * runsFrom('20000'); // 20000
 */
export function runsFrom(value: string | undefined): number {
  if (value === undefined || value === '') return 1_000;
  const runs = Number(value);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new TypeError(`FUZZ_RUNS must be a positive integer, got ${JSON.stringify(value)}.`);
  return runs;
}

/** How many runs the fuzz suites make. */
export const fuzzRuns = runsFrom(process.env.FUZZ_RUNS);
