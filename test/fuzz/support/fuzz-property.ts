import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { fuzzRuns } from '../../support/fuzz-settings.ts';
import { apply, command } from './fuzz-commands.ts';
import { checkAtRest, realSetTimeout, untilAtRest } from './fuzz-checks.ts';
import { tally, type Coverage } from './fuzz-coverage.ts';
import { endings, type EndingName } from './fuzz-endings.ts';
import { foundRuns, type FuzzRun } from './fuzz-found.ts';
import { createFuzzWorld } from './fuzz-world.ts';

/**
 * fast-check's parameters: FUZZ_RUNS (default 1,000), FUZZ_PATH to replay the
 * failure fast-check printed with its FUZZ_SEED (read for the whole suite:
 * test/support/fuzz-settings.ts), and the kept runs of fuzz-found.ts, first.
 *
 * @example
 * await fc.assert(property, fuzzParameters());
 */
export function fuzzParameters(): fc.Parameters<FuzzRun> & { numRuns: number } {
  const path = process.env.FUZZ_PATH;
  return { numRuns: fuzzRuns, path, endOnFailure: path !== undefined, examples: foundRuns };
}

let clock = new SimulatedClock();

/**
 * One clock for the whole run: the chart's delays run on the SimulatedClock
 * given to createAuthFetch, and so do the timers beside the chart, the
 * token's expiry check (setTimeout) and the validation deadline
 * (AbortSignal.timeout), so that time passes for all of them in order and only
 * when a run says `tick`; a zero delay stays a real turn. Registers the hooks of a file.
 *
 * @example
 * useFuzzTimers();
 */
export function useFuzzTimers(): void {
  beforeEach(() => {
    // A zero delay is a turn of the event loop, not time (authFetch tells the chart of holds a turn later): real.
    vi.stubGlobal('setTimeout', (run: () => void, ms?: number) => (ms ? clock.setTimeout(run, ms) : realSetTimeout(run)));
    vi.stubGlobal('clearTimeout', (id?: number) => clock.clearTimeout(id as number));
    vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
      const controller = new AbortController();
      clock.setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
      return controller.signal;
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
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
    clock = new SimulatedClock();
    const world = createFuzzWorld(clock);
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
    }
  });
}
