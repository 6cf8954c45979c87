import { expect } from 'vitest';
import { isSettled } from './fuzz-calls.ts';
import { completeStep } from './fuzz-commands.ts';
import { checkAtRest, untilAtRest } from './fuzz-checks.ts';
import type { FuzzWorld } from './fuzz-world.ts';

const pending = (world: FuzzWorld) => world.calls.filter((call) => !isSettled(call));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The user reconnects until every held call has gone out and been answered. */
async function reconnect(world: FuzzWorld) {
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

/**
 * The app stops the session while requests are held and others are still out: every call settles (the
 * session's pending ones with AuthExpiredError), and no validation or popup is left open.
 */
async function stopWhileInFlight(world: FuzzWorld) {
  // Calls to other origins are not the session's: stop() leaves them to their own answers.
  for (const call of pending(world)) call.stoppedWhileHeld = call.spec.target === 'api';
  world.client.stop();
  for (let i = 0; i < 50 && pending(world).length > 0; i++) {
    // Anything still out comes back 401, the answer that would make a live session hold it.
    for (const send of world.backend.inFlight()) send.respond(401);
    await turn();
  }
  expect(pending(world).map((call) => call.n), 'calls still pending after stop()').toEqual([]);
  checkAtRest(world);
  expect([...world.openValidations(), ...world.openReauths()], 'validations or popups left open by stop()').toEqual([]);
}

/** The app stops the session once every request is answered, with some of them held (then as above, nothing out). */
async function stopWhileHeld(world: FuzzWorld) {
  for (let step = 0; step < 40 && world.backend.inFlight().length > 0; step++) {
    for (const send of world.backend.inFlight()) send.respond(401);
    await untilAtRest(world);
    checkAtRest(world);
  }
  await stopWhileInFlight(world);
}

/**
 * How a run ends. Each one requires that every call has settled.
 *
 * @example
 * await endings.reconnect(world);
 */
export const endings = { reconnect, stopWhileHeld, stopWhileInFlight };
export type EndingName = keyof typeof endings;
