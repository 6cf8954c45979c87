import { expect } from 'vitest';
import { acts } from './fuzz-acts.ts';
import { isSettled } from './fuzz-calls.ts';
import { checkAtRest, untilAtRest } from './fuzz-checks.ts';
import { apply } from './fuzz-commands.ts';
import { completeStep } from './fuzz-steps.ts';
import type { FuzzWorld } from './fuzz-world.ts';

const pending = (world: FuzzWorld) => world.calls.filter((call) => !isSettled(call));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const isStopped = (world: FuzzWorld) => world.client.actor.getSnapshot().matches('stopped');

/**
 * The backend is reachable again, the browser online, and the user reconnects until every held call has gone
 * out and been answered: once the session is active and the backend reachable, nothing hangs.
 */
async function reconnect(world: FuzzWorld) {
  const done = () => pending(world).length === 0 && (isStopped(world) || world.client.actor.getSnapshot().matches('active'));
  for (let step = 0; step < 40 && !done(); step++) {
    await completeStep(world, apply, step);
    await untilAtRest(world);
    checkAtRest(world);
  }
  const snapshot = world.client.actor.getSnapshot();
  expect(
    pending(world).map((call) => call.n),
    'calls still pending after reconnecting',
  ).toEqual([]);
  expect(isStopped(world) || snapshot.matches('active'), `ended ${JSON.stringify(snapshot.value)}`).toBe(true);
  expect(snapshot.context.queue).toEqual([]);
  expect(world.backend.inFlight()).toEqual([]);
}

/**
 * The app stops the session while requests are held and others are still out: every call settles (the
 * session's pending ones with AuthExpiredError, or their own answer), nothing is sent after, and no
 * validation or popup is left open.
 */
async function stopWhileInFlight(world: FuzzWorld) {
  if (!world.facts.stopped) acts.stop(world);
  for (let i = 0; i < 50 && pending(world).length > 0; i++) {
    // Anything still out comes back 401, the answer that would make a live session hold it.
    for (const send of world.backend.inFlight()) send.respond(401);
    await turn();
  }
  expect(
    pending(world).map((call) => call.n),
    'calls still pending after stop()',
  ).toEqual([]);
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
 * How a run ends. Each one requires that every call has settled; after it the session is stopped, and every
 * listener it put on the page is gone.
 *
 * @example
 * await endings.reconnect(world);
 */
export const endings = { reconnect, stopWhileHeld, stopWhileInFlight };
export type EndingName = keyof typeof endings;
