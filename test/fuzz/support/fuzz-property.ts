import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { expect } from 'vitest';
import { fuzzRuns } from '../../support/fuzz-settings.ts';
import { acts } from './fuzz-acts.ts';
import { command } from './fuzz-arbitraries.ts';
import { apply, promiseJobs, type Command } from './fuzz-commands.ts';
import { checkAtRest, checkReport, untilAtRest } from './fuzz-checks.ts';
import { tally, type Coverage } from './fuzz-coverage.ts';
import { endings, type EndingName } from './fuzz-endings.ts';
import { foundRuns, type FuzzRun } from './fuzz-found.ts';
import { skews } from './fuzz-limits.ts';
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

/**
 * One run: its commands, each followed by a rest and every check, then its
 * ending; every call settles exactly once, the stopped session leaves no
 * listener on the page, and its report no secret. `strict`: the core's known
 * bugs fail it too.
 *
 * Time is one SimulatedClock, the `clock` of createAuthFetch: the chart's
 * delays (the token's expiry, the reminder, backoffs, deadlines, the cooldown)
 * run on it and pass only when a run says `tick`. The session's one real timer,
 * the hold registry's zero-delay turn, stays real: a turn, not time.
 *
 * @example
 * await runSession([[{ kind: 'browser', event: 'offline' }], 'reconnect', 0], { strict: true });
 */
export async function runSession(
  [commands, ending, skewMs]: FuzzRun,
  options: { coverage?: Coverage; strict?: boolean; tabs?: boolean } = {},
) {
  const clock = new SimulatedClock();
  // A browser's time, not 1970's: with the backend's clock set an hour back, tokens would expire before the epoch.
  clock.set(Date.UTC(2026, 0, 1));
  const world = createFuzzWorld(clock, skewMs, options.strict, { tabs: options.tabs });
  try {
    for (const [step, next] of commands.entries()) {
      world.late.step = step;
      await apply(world, next);
      // Another tab's word is a task of its own: the command's promise jobs run first, its timers not.
      await promiseJobs();
      world.late.hearDue(true);
      await untilAtRest(world);
      checkAtRest(world);
      if (!world.late.hearDue(false)) continue;
      await untilAtRest(world);
      checkAtRest(world);
    }
    await endings[ending](world);
    expect(
      world.calls.filter((call) => call.settledCount !== 1).map((call) => call.n),
      'calls not settled exactly once',
    ).toEqual([]);
    if (!world.facts.stopped) acts.stop(world);
    expect(world.window.listenerCount(), 'listeners left on the page by stop()').toBe(0);
    checkReport(world);
    if (options.coverage) tally(options.coverage, world);
  } finally {
    world.dispose();
  }
}

/**
 * The property: up to `maxLength` random commands (40 of `command` unless told), one of `endingNames`, and how far
 * the backend's clock is from the tab's, as `runSession` runs them; `tabs`: with tab sync and another tab.
 *
 * @example
 * await fc.assert(sessionProperty(['reconnect'], coverage), fuzzParameters());
 */
export function sessionProperty(
  endingNames: [EndingName, ...EndingName[]],
  coverage?: Coverage,
  drawn: { command?: fc.Arbitrary<Command>; maxLength?: number; tabs?: boolean } = {},
) {
  const commands = fc.array(drawn.command ?? command, { minLength: 1, maxLength: drawn.maxLength ?? 40, size: 'max' });
  return fc.asyncProperty(commands, fc.constantFrom(...endingNames), fc.constantFrom(...skews), (...run) =>
    runSession(run, { coverage, tabs: drawn.tabs }),
  );
}
