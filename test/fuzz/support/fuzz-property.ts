import fc from 'fast-check';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { apply, command } from './fuzz-commands.ts';
import { checkAtRest, untilAtRest } from './fuzz-checks.ts';
import { tally, type Coverage } from './fuzz-coverage.ts';
import { endings, type EndingName } from './fuzz-endings.ts';
import { createFuzzWorld } from './fuzz-world.ts';

/**
 * fast-check's parameters from the environment: FUZZ_RUNS (default 1,000),
 * and FUZZ_SEED with FUZZ_PATH to replay the failure fast-check printed.
 *
 * @example
 * await fc.assert(property, fuzzParameters());
 */
export function fuzzParameters(): fc.Parameters<unknown> & { numRuns: number } {
  const path = process.env.FUZZ_PATH;
  return {
    numRuns: Number(process.env.FUZZ_RUNS ?? 1_000),
    seed: process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED),
    path,
    endOnFailure: path !== undefined,
  };
}

/**
 * Timers beside the chart run on fake time, advanced with the chart's
 * SimulatedClock by `tick`: the token's expiry check (setTimeout) and the
 * validation deadline (AbortSignal.timeout). Registers the hooks of a file.
 *
 * @example
 * useFuzzTimers();
 */
export function useFuzzTimers(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
      return controller.signal;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });
}

/**
 * The property: up to 40 random commands, each followed by a rest and every
 * check, then one of `endingNames`; every call settles exactly once.
 *
 * @example
 * await fc.assert(sessionProperty(['reconnect'], coverage), fuzzParameters());
 */
export function sessionProperty(endingNames: [EndingName, ...EndingName[]], coverage?: Coverage) {
  return fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40, size: 'max' }), fc.constantFrom(...endingNames), async (commands, ending) => {
    const world = createFuzzWorld();
    try {
      for (const next of commands) {
        apply(world, next);
        await untilAtRest(world);
        checkAtRest(world);
      }
      await endings[ending](world);
      expect(world.calls.filter((call) => call.settledCount !== 1).map((call) => call.n), 'calls not settled exactly once').toEqual([]);
      if (coverage) tally(coverage, world);
    } finally {
      world.dispose();
      vi.clearAllTimers();
    }
  });
}
