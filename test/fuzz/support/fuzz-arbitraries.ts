import fc from 'fast-check';
import type { Answer } from './fuzz-backend.ts';
import { bodyKinds } from './fuzz-bodies.ts';
import type { RequestSpec } from './fuzz-calls.ts';
import type { Command, Simple } from './fuzz-commands.ts';
import { clockJumps, limits } from './fuzz-limits.ts';
import { answerTimes } from './fuzz-slow.ts';
import { reauthResults, validateResults } from './fuzz-steps.ts';

/**
 * How the fuzz draws its commands (fuzz-commands.ts says what each does):
 * weighted so that answers and callers are common, the rarer events still
 * come up in most runs, and stopping is rare.
 */

const spec: fc.Arbitrary<RequestSpec> = fc.record({
  target: fc.constantFrom('api', 'api', 'api', 'other'),
  method: fc.constantFrom('GET', 'GET', 'POST', 'PUT'),
  body: fc.constantFrom(...bodyKinds),
  text: fc.string({ maxLength: 12, unit: 'binary' }),
  bytes: fc.uint8Array({ maxLength: 24 }),
  query: fc.boolean(),
  replay: fc.constantFrom(true, true, true, true, false),
  bare: fc.boolean(),
});
const simple = (...kinds: Simple[]) => fc.constantFrom(...kinds).map((kind) => ({ kind }) as Command);
const answers: Answer[] = [200, 401, 401, 401, 403, 500, 'network', '401-here', '401-away'];

const single: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: spec.map((s) => ({ kind: 'request', spec: s }) as const) },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant('respond'), pick: fc.nat(), answer: fc.constantFrom(...answers) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort'), pick: fc.nat(), withReason: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('validate'), result: fc.constantFrom(...validateResults) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reauth'), result: fc.constantFrom(...reauthResults) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('advance'), choice: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('lateAnswer'), pick: fc.nat(), result: fc.constantFrom('true', 'false', 'network') }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('latePopup'), pick: fc.nat() }) },
  { weight: 3, arbitrary: simple('reconnect') },
  { weight: 2, arbitrary: simple('adopt', 'storage', 'startedElsewhere', 'endedElsewhere', 'dismiss') },
  { weight: 1, arbitrary: simple('signOut', 'switchAccount', 'adopt', 'stop') },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adoptAgain'), pick: fc.nat() }) },
  // Another tab's sign-out or sign-in, heard in the same task, after a rest, or a command or two later.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('signOutElsewhere', 'signInElsewhere'),
      heard: fc.record({ after: fc.integer({ min: 0, max: 2 }), beforeRest: fc.boolean() }),
    }),
  },
  // Input often: the reminder waits for someone using the page.
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('browser'),
      event: fc.constantFrom('offline', 'online', 'focus', 'pointerdown', 'pointerdown'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('network'), up: fc.boolean() }) },
  // A clock set right by seconds (within the Date header's noise), by the notice's half minute and more, or by an hour.
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('clockSet'), ms: fc.constantFrom(...clockJumps.flatMap((ms) => [ms, -ms])) }),
  },
  // Short ticks reach backoffs and the validation timeout, long ones the cooldown, the popup's deadline, the reminder
  // (8 minutes into a token's 10) and its expiry (9).
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('tick'),
      ms: fc.constantFrom(100, 1_000, 2_000, 5_000, 30_000, limits.reauthTimeoutMs, 7 * 60_000, 8.5 * 60_000),
    }),
  },
);

/**
 * What can be a task back to back with another: anything but time (a timer is a turn of its own, and
 * `advance` may tick), which in a real loop never runs between a task and the promise jobs it queued.
 */
const task = single.filter((c) => c.kind !== 'tick' && c.kind !== 'advance');
/**
 * What the app itself calls, so one handler may call two (a browser event, an answer or another tab's message
 * is a task of its own). Weighted to let a call go and end the session in one task: signed out, stopped.
 */
const appCall: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: spec.map((s) => ({ kind: 'request', spec: s }) as const) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort'), pick: fc.nat(), withReason: fc.boolean() }) },
  { weight: 4, arbitrary: simple('adopt', 'signOut', 'stop', 'reconnect') },
  { weight: 1, arbitrary: simple('switchAccount', 'storage', 'dismiss') },
);

/**
 * One command, or two back to back (one in ten), or two in one task of the app's (one in ten).
 *
 * @example
 * fc.array(command, { maxLength: 40 });
 */
export const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: single },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('together'), first: task, second: task }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sameTask'), first: appCall, second: appCall }) },
);

/**
 * A flaky network under GETs: sends cut off (replays most of all), the backend coming back, answers. Third sends,
 * and cut-off third sends, come up in most runs.
 *
 * @example
 * fc.array(flakyCommand, { maxLength: 25 });
 */
export const flakyCommand: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: spec.map((s) => ({ kind: 'request', spec: { ...s, target: 'api', method: 'GET' } }) as const) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('cutOff'), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('respond'), pick: fc.nat(), answer: fc.constantFrom<Answer>(200, 401) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance'), choice: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('browser'), event: fc.constantFrom('offline', 'online') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('network'), up: fc.boolean() }) },
  // The backend back: most probes say yes, and the held GETs go.
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('validate'), result: fc.constantFrom('true', 'true', 'true', ...validateResults) }),
  },
);

/**
 * Everything, with another tab that asks the backend and shares its answers, and time in seconds between
 * them: yeses a moment older than a 401 come up in most runs.
 *
 * @example
 * fc.array(tabsCommand, { maxLength: 30 });
 */
export const tabsCommand: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: spec.map((s) => ({ kind: 'request', spec: { ...s, target: 'api' } }) as const) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('respond'), pick: fc.nat(), answer: fc.constantFrom<Answer>(200, 401, 401) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('validate'), result: fc.constantFrom('true', ...validateResults) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance'), choice: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'tabAsks' } as const) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tabAnswers'), valid: fc.constantFrom(true, true, false) }) },
  // Seconds between a yes and the next 401, within the answers' 5 s of reuse.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick'), ms: fc.constantFrom(100, 1_000, 2_000) }) },
  { weight: 2, arbitrary: single },
);

/**
 * A backend whose /auth/me answers late (fuzz-slow.ts: within the first limit, past it, past the longer one too,
 * never), under 401s that ask it and everything else: checks outlive their first limit and probes are given
 * longer in most runs, and the page must not say offline for a backend that is only slow.
 *
 * @example
 * fc.array(slowCommand, { maxLength: 30 });
 */
export const slowCommand: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('slowBackend'), answersIn: fc.constantFrom(...answerTimes) }) },
  { weight: 3, arbitrary: spec.map((s) => ({ kind: 'request', spec: { ...s, target: 'api' } }) as const) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('respond'), pick: fc.nat(), answer: fc.constantFrom<Answer>(200, 401, 401) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance'), choice: fc.nat() }) },
  // Seconds, across the limits of 5, 10, 20 and 30 s and the backoffs between.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick'), ms: fc.constantFrom(1_000, 2_000, 5_000, 7_000, 30_000) }) },
  { weight: 4, arbitrary: single },
);
