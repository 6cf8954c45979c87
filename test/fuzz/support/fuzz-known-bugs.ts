import type { Send } from './fuzz-backend.ts';
import type { FuzzCall } from './fuzz-calls.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/**
 * Core bugs the fuzz found that the core has not fixed yet, each with the
 * failing test that pins it (an `it.fails`, green while the bug is there) and
 * the kept runs of fuzz-found.ts that show it. The oracle counts a problem that
 * one of them explains by its exact signature (coverage: `known core bug …`)
 * instead of failing on it, so that the fuzz goes on finding others; `strict`
 * runs (the kept runs of the bug, `FUZZ_STRICT=1`) fail on it, naming it. When
 * the core fixes one, its tests turn red: remove it here, make its test an
 * `it`, and move its runs to `foundRuns`.
 */
/** Where a problem was seen: the send, its call, the world then. */
interface Moment {
  world: FuzzWorld;
  call: FuzzCall;
  send: Send;
}

interface KnownBug {
  readonly id: string;
  readonly test: string;
  explains(problem: string, at: Moment): boolean;
}

export const knownBugs: readonly KnownBug[] = [];

/** `FUZZ_STRICT=1`: every problem fails the run, known or not. */
export const strictByDefault = process.env.FUZZ_STRICT === '1';

/**
 * The known bug that explains `problem`, if any.
 *
 * @example
 * const bug = knownBugFor(problem, { world, call, send });
 */
export const knownBugFor = (problem: string, at: Moment) => knownBugs.find((bug) => bug.explains(problem, at));
