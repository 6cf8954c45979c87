/** @vitest-environment node */
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isSettled } from './support/fuzz-calls.ts';
import { apply, command, completeStep } from './support/fuzz-commands.ts';
import { checkAtRest, untilAtRest } from './support/fuzz-checks.ts';
import { describeCoverage, expectedCoverage, tally, type Coverage } from './support/fuzz-coverage.ts';
import { createFuzzWorld, type FuzzWorld } from './support/fuzz-world.ts';

/**
 * Random interleavings of callers, 401s, network failures, aborts, validation
 * answers (true, false, a network failure, garbage, or none until it times
 * out), popups (a token, closed, blocked, no token), tokens from other tabs,
 * `online`, and time, against the real createAuthFetch. After every step the
 * invariants of fuzz-checks.ts and fuzz-world.ts hold; at the end the user
 * reconnects (or the app stops the session) and every call has settled.
 *
 * Replay a failure with the seed and path fast-check prints:
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/fuzz
 * FUZZ_RUNS raises the number of runs (default 1,000).
 */
const numRuns = Number(process.env.FUZZ_RUNS ?? 1_000);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const path = process.env.FUZZ_PATH;

beforeEach(() => {
  // Timers beside the chart run on fake time, advanced with the chart's SimulatedClock by `tick`:
  // the token's expiry check (setTimeout) and the validation deadline (AbortSignal.timeout).
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

const coverage: Coverage = new Map();
afterAll(() => console.log(`fuzz coverage over ${numRuns} runs:\n${describeCoverage(coverage)}`));

const pending = (world: FuzzWorld) => world.calls.filter((call) => !isSettled(call));

/** The user reconnects until every held call has gone out and been answered. */
async function reconnectToTheEnd(world: FuzzWorld) {
  for (let step = 0; step < 40 && (pending(world).length > 0 || !world.client.actor.getSnapshot().matches('active')); step++) {
    completeStep(world);
    await untilAtRest(world);
    checkAtRest(world);
  }
  const snapshot = world.client.actor.getSnapshot();
  expect(pending(world).map((call) => call.n), 'calls still pending after reconnecting').toEqual([]);
  expect(snapshot.value).toBe('active');
  expect(snapshot.context.queue).toEqual([]);
  expect(world.backend.inFlight()).toEqual([]);
}

/** The app stops the session while requests are held: each is told, with AuthExpiredError. */
async function stopWhileHeld(world: FuzzWorld) {
  for (let step = 0; step < 40 && world.backend.inFlight().length > 0; step++) {
    for (const send of world.backend.inFlight()) send.respond(401);
    await untilAtRest(world);
    checkAtRest(world);
  }
  for (const call of pending(world)) call.stoppedWhileHeld = true;
  world.client.stop();
  for (let turn = 0; turn < 50 && pending(world).length > 0; turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(pending(world).map((call) => call.n), 'calls still pending after stop()').toEqual([]);
  checkAtRest(world);
  expect([...world.openValidations(), ...world.openReauths()], 'validations or popups left open by stop()').toEqual([]);
}

describe('authFetch under random interleavings', () => {
  it(`keeps its promises over ${numRuns} runs`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40, size: 'max' }), fc.constantFrom('reconnect', 'stop'), async (commands, ending) => {
        const world = createFuzzWorld();
        try {
          for (const next of commands) {
            apply(world, next);
            await untilAtRest(world);
            checkAtRest(world);
          }
          await (ending === 'reconnect' ? reconnectToTheEnd(world) : stopWhileHeld(world));
          expect(world.calls.every((call) => call.settledCount === 1)).toBe(true);
          tally(coverage, world);
        } finally {
          world.dispose();
          vi.clearAllTimers();
        }
      }),
      { numRuns, seed, path, endOnFailure: path !== undefined },
    );
    // A replay of one failure (FUZZ_PATH) or a short run cannot be expected to reach everything.
    if (numRuns >= 1_000 && path === undefined) {
      expect(expectedCoverage.filter((key) => !coverage.has(key)), 'paths the fuzz no longer reaches').toEqual([]);
    }
  }, 120_000);
});
