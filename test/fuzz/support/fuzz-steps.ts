import { acts } from './fuzz-acts.ts';
import type { Command } from './fuzz-commands.ts';
import { limits, remindBeforeMs } from './fuzz-limits.ts';
import { isChecking, passTime, recoverSlowly, untilCheckEnds, verdictOf } from './fuzz-slow.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/**
 * A validation's answers: a verdict, the network failing (fetch's TypeError: offline), the backend failing
 * (a 503: no verdict, retried, then the held calls go), or something that is not a boolean.
 */
export const validateResults = ['true', 'false', 'false', 'network', 'error', 'not-a-boolean'] as const;
export const reauthResults = ['token', 'closed', 'blocked', 'empty'] as const;

/** Longer than any backoff of the fuzz's budget (1, 2, 4 s…): the next probe or retry is due. */
const backoffMs = limits.validationBackoffMs * 2 ** (limits.validationRetries + 2);

/**
 * Whatever the session waits for now, answered one of the ways it can be (`choice` picks).
 *
 * @example
 * await advance(world, 3, apply);
 */
export async function advance(world: FuzzWorld, choice: number, apply: (world: FuzzWorld, command: Command) => Promise<void>) {
  const snapshot = world.client.actor.getSnapshot();
  const { client } = world;
  const of = <T>(list: readonly T[]) => list[choice % list.length]!;
  if (isChecking(world)) {
    // Waiting for the lock of another tab that is asking: that tab's answer is the one to come.
    if (world.openValidations().length === 0 && world.tabs?.asking) return apply(world, { kind: 'tabAnswers', valid: choice % 3 !== 2 });
    // A slow backend: what it says is chosen (or the network fails now), and time passes until it says it or the check's limit.
    if (world.checkAnswersIn !== 'whenTold' && world.openValidations().length > 0) {
      if (choice % 2 === 0) await apply(world, { kind: 'validate', result: of(validateResults) });
      const untilEnd = untilCheckEnds(world);
      return untilEnd === undefined ? undefined : passTime(world, untilEnd);
    }
    return apply(world, { kind: 'validate', result: of(validateResults) });
  }
  if (snapshot.matches({ validating: 'retrying' })) return passTime(world, backoffMs);
  if (snapshot.matches({ offline: 'waiting' }) || snapshot.matches({ offline: 'unconfirmed' })) {
    return apply(
      world,
      of<Command>([
        { kind: 'browser', event: 'online' },
        { kind: 'tick', ms: backoffMs },
        { kind: 'network', up: true },
        { kind: 'adopt' },
      ]),
    );
  }
  if (snapshot.matches('reauthenticating')) {
    // A popup answers, the user presses Reconnect again (a new popup), or the popup outlives its deadline.
    const more: Command[] = [{ kind: 'reconnect' }, { kind: 'tick', ms: limits.reauthTimeoutMs }];
    return apply(world, of<Command>([...reauthResults.map((result) => ({ kind: 'reauth', result }) as const), ...more]));
  }
  if (snapshot.matches({ needsReauth: 'waiting' })) {
    if (choice % 4 === 0) client.reconnectingElsewhere(true);
    else acts.reconnect(world);
  } else if (snapshot.matches({ needsReauth: 'elsewhere' })) {
    // The other tab's popup ends: its token arrives, or it was closed.
    if (choice % 2 === 0) acts.adopt(world);
    else client.reconnectingElsewhere(false);
  } else if (snapshot.matches({ needsReauth: 'coolingDown' })) return passTime(world, limits.reauthCooldownMs);
  else if (snapshot.matches({ active: 'due' })) world.window.dispatch('pointerdown');
  else if (snapshot.matches({ active: 'reminding' }))
    return apply(world, of<Command>([{ kind: 'reconnect' }, { kind: 'reconnect' }, { kind: 'dismiss' }]));
  else {
    const inFlight = world.backend.inFlight();
    // A 401, sometimes at the end of a redirect within the API (then, its token still good, it is the caller's).
    if (inFlight.length > 0) return inFlight[choice % inFlight.length]!.respond(choice % 3 === 2 ? '401-here' : 401);
    // Nothing out: time passes until the notice is due, a token's last minutes.
    const untilReminder = (world.tokens.expOf(world.store.token) ?? 0) - remindBeforeMs - world.backendNow();
    if (untilReminder > 0) return passTime(world, untilReminder);
  }
}

/**
 * One step (the `step`th) towards the end of a run: the backend is reachable
 * and answers everything (a slow one in its time; one that never answers, a
 * few steps on), the browser is online, the user reconnects and signs in,
 * time passes where the chart waits on it.
 *
 * @example
 * for (let step = 0; !done(); step++) { await completeStep(world, apply, step); await untilAtRest(world); }
 */
export async function completeStep(world: FuzzWorld, apply: (world: FuzzWorld, command: Command) => Promise<void>, step = Infinity) {
  world.backend.network.down = false;
  recoverSlowly(world, step);
  // Answers are read before time passes: a tick in the same step would read them late (and their Date as stale).
  const inFlight = world.backend.inFlight();
  for (const send of inFlight) send.respond(200);
  if (inFlight.length > 0) return;
  const snapshot = world.client.actor.getSnapshot();
  if (isChecking(world)) {
    // The backend judges the token by its exp, on its clock: fresh, the held calls go with it; else the user signs in.
    const valid = verdictOf(world, world.openValidations()[0]?.token ?? world.store.token);
    // Waiting for the lock of another tab that is asking: that tab answers, as the backend would.
    if (world.openValidations().length === 0 && world.tabs?.asking) return apply(world, { kind: 'tabAnswers', valid });
    // A slow backend answers in its time, and a check with a shorter limit is given up first.
    const untilEnd = untilCheckEnds(world);
    if (untilEnd !== undefined) return passTime(world, untilEnd);
    return apply(world, { kind: 'validate', result: valid ? 'true' : 'false' });
  }
  if (snapshot.matches({ validating: 'retrying' })) return passTime(world, backoffMs);
  if (snapshot.matches({ offline: 'waiting' }) || snapshot.matches({ offline: 'unconfirmed' })) world.window.dispatch('online');
  else if (snapshot.matches({ needsReauth: 'waiting' })) acts.reconnect(world);
  else if (snapshot.matches({ needsReauth: 'elsewhere' })) world.client.reconnectingElsewhere(false);
  else if (snapshot.matches({ needsReauth: 'coolingDown' })) return passTime(world, limits.reauthCooldownMs);
  else if (snapshot.matches('reauthenticating')) return apply(world, { kind: 'reauth', result: 'token' });
}
