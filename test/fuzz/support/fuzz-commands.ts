import fc from 'fast-check';
import { PopupBlockedError, PopupClosedError } from '../../../src/lib/session/errors.ts';
import type { Answer } from './fuzz-backend.ts';
import { bodyKinds, type RequestSpec } from './fuzz-calls.ts';
import { limits, type FuzzWorld } from './fuzz-world.ts';

/** One thing that happens to the session: a caller, the network, the backend, the user, another tab, time. */
export type Command =
  | { kind: 'request'; spec: RequestSpec }
  | { kind: 'respond'; pick: number; answer: Answer }
  | { kind: 'abort'; pick: number; withReason: boolean }
  | { kind: 'validate'; result: 'true' | 'false' | 'reject' | 'not-a-boolean' }
  /** A validation the session gave up on (its deadline passed) answers after all. */
  | { kind: 'lateAnswer'; pick: number; result: 'true' | 'false' | 'reject' }
  | { kind: 'reauth'; result: 'token' | 'closed' | 'blocked' | 'empty' }
  | { kind: 'reconnect' | 'adopt' | 'storage' | 'startedElsewhere' | 'endedElsewhere' | 'online' }
  | { kind: 'tick'; ms: number }
  /** Whatever the session waits for now, answered one of the ways it can be: reaches deep paths often. */
  | { kind: 'advance'; choice: number }
  /**
   * Two things in one turn, with no rest between: e.g. a 401 comes back while the validation answers, or
   * the user signs in again, so that a request held a moment ago has not yet been told to the chart.
   */
  | { kind: 'together'; first: Command; then: Command };

const validateResults = ['true', 'false', 'false', 'reject', 'not-a-boolean'] as const;
const reauthResults = ['token', 'closed', 'blocked', 'empty'] as const;

const spec: fc.Arbitrary<RequestSpec> = fc.record({
  target: fc.constantFrom('api', 'api', 'api', 'other'),
  method: fc.constantFrom('GET', 'GET', 'POST', 'PUT'),
  body: fc.constantFrom(...bodyKinds),
  text: fc.string({ maxLength: 12, unit: 'binary' }),
  bytes: fc.uint8Array({ maxLength: 24 }),
  query: fc.boolean(),
});

/** Weighted: answers and callers are common, the rarer events still come up in most runs. */
const single: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: spec.map((s) => ({ kind: 'request', spec: s }) as const) },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant('respond'),
      pick: fc.nat(),
      answer: fc.constantFrom<Answer>(200, 401, 401, 401, 403, 500, 'network'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort'), pick: fc.nat(), withReason: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('validate'), result: fc.constantFrom(...validateResults) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reauth'), result: fc.constantFrom(...reauthResults) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('advance'), choice: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('lateAnswer'), pick: fc.nat(), result: fc.constantFrom('true', 'false', 'reject') }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'reconnect' } as const) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...(['adopt', 'storage', 'startedElsewhere', 'endedElsewhere', 'online'] as const)).map((kind) => ({ kind })),
  },
  // Short ticks reach backoffs and the validation timeout, long ones the cooldown and the token's expiry.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick'), ms: fc.constantFrom(100, 1_000, 2_000, 5_000, 30_000, 9 * 60_000) }) },
);

/**
 * What can happen in one turn of the event loop: anything but time (a timer is a turn of its own, and
 * `advance` may tick), which in a real loop never runs between a callback and the promise jobs it queued.
 */
const inOneTurn = single.filter((c) => c.kind !== 'tick' && c.kind !== 'advance');

/** One command, or two in the same turn (about one in ten). */
export const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 9, arbitrary: single },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('together'), first: inOneTurn, then: inOneTurn }) },
);

/** Time passes: for the chart's delays, and for every timer beside it, which run on the same clock (see useFuzzTimers). */
export function tick(world: FuzzWorld, ms: number): void {
  world.clock.increment(ms);
}

/**
 * Makes `command` happen. Commands that find nothing to act on (no request in
 * flight, no validation out) do nothing, as in life.
 *
 * @example
 * apply(world, { kind: 'respond', pick: 0, answer: 401 });
 */
export function apply(world: FuzzWorld, command: Command): void {
  const { client } = world;
  switch (command.kind) {
    case 'request':
      return world.request(command.spec);
    case 'respond': {
      const inFlight = world.backend.inFlight();
      return inFlight[command.pick % Math.max(1, inFlight.length)]?.respond(command.answer);
    }
    case 'abort': {
      const call = world.calls[command.pick % Math.max(1, world.calls.length)];
      return call?.controller.abort(command.withReason ? new Error(`call ${call.n} given up by its caller`) : undefined);
    }
    case 'validate': {
      const validation = world.openValidations()[0];
      if (!validation) return;
      if (command.result === 'reject') return validation.reject(new TypeError('Failed to fetch'));
      if (command.result === 'not-a-boolean') return validation.resolve('yes' as unknown as boolean);
      // The backend vouches for the token it was asked about: the session trusts it past its `exp`.
      if (command.result === 'true') world.store.vouched = validation.token;
      return validation.resolve(command.result === 'true');
    }
    case 'lateAnswer': {
      const late = world.validations.filter((v) => v.abandoned && !v.settled);
      const validation = late[command.pick % Math.max(1, late.length)];
      if (validation) world.seen.add('late answer from a validation given up');
      // Nothing may come of it: the model does not vouch for its token either.
      if (command.result === 'reject') return validation?.reject(new TypeError('Failed to fetch'));
      return validation?.resolve(command.result === 'true');
    }
    case 'reauth': {
      const popup = world.openReauths()[0];
      if (!popup) return;
      if (command.result === 'token') return popup.resolve(world.mint());
      if (command.result === 'empty') return popup.resolve('');
      return popup.reject(command.result === 'closed' ? new PopupClosedError() : new PopupBlockedError());
    }
    case 'reconnect':
      return client.reconnect();
    case 'adopt': // another tab signed in and broadcast its token
      return client.adoptToken(world.mint());
    case 'storage': // another tab wrote a token to the shared storage, without a word
      world.store.token = world.mint();
      return;
    case 'startedElsewhere':
    case 'endedElsewhere':
      return client.actor.send({ type: `reauth.${command.kind}` });
    case 'online':
      return client.actor.send({ type: 'network.online' });
    case 'tick':
      return tick(world, command.ms);
    case 'advance':
      return advance(world, command.choice);
    case 'together':
      apply(world, command.first);
      return apply(world, command.then);
  }
}

function advance(world: FuzzWorld, choice: number): void {
  const snapshot = world.client.actor.getSnapshot();
  const inFlight = world.backend.inFlight();
  if (snapshot.matches({ validating: 'checking' })) apply(world, { kind: 'validate', result: validateResults[choice % validateResults.length]! });
  else if (snapshot.matches('reauthenticating')) apply(world, { kind: 'reauth', result: reauthResults[choice % reauthResults.length]! });
  else if (snapshot.matches({ needsReauth: 'waiting' })) {
    if (choice % 4 === 0) world.client.reconnectingElsewhere(true);
    else world.client.reconnect();
  } else if (snapshot.matches({ needsReauth: 'elsewhere' })) {
    // The other tab's popup ends: its token arrives, or it was closed.
    if (choice % 2 === 0) world.client.adoptToken(world.mint());
    else world.client.reconnectingElsewhere(false);
  } else if (snapshot.matches({ validating: 'offline' })) {
    if (choice % 2 === 0) world.client.actor.send({ type: 'network.online' });
    else tick(world, limits.validationBackoffMs * 2 ** limits.validationRetries);
  } else if (snapshot.matches({ needsReauth: 'coolingDown' })) tick(world, limits.reauthCooldownMs);
  else inFlight[choice % Math.max(1, inFlight.length)]?.respond(401);
}

/**
 * One step towards the end of a run: the backend answers everything, the
 * user reconnects and signs in, time passes where the chart waits on it.
 *
 * @example
 * while (!done()) { completeStep(world); await untilAtRest(world); }
 */
export function completeStep(world: FuzzWorld): void {
  for (const send of world.backend.inFlight()) send.respond(200);
  const snapshot = world.client.actor.getSnapshot();
  if (snapshot.matches({ validating: 'checking' })) world.openValidations()[0]?.resolve(false);
  else if (snapshot.matches({ validating: 'offline' })) tick(world, limits.validationBackoffMs * 2 ** limits.validationRetries);
  else if (snapshot.matches({ needsReauth: 'waiting' })) world.client.reconnect();
  else if (snapshot.matches({ needsReauth: 'elsewhere' })) world.client.reconnectingElsewhere(false);
  else if (snapshot.matches({ needsReauth: 'coolingDown' })) tick(world, limits.reauthCooldownMs);
  else if (snapshot.matches('reauthenticating')) world.openReauths()[0]?.resolve(world.mint());
}
