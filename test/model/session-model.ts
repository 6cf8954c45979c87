import { createMachine, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { sessionMachine, type SessionLimits } from '../../machines/session.machine.ts';
import { eventName, eventsIn, timerEvents, type Condition, type ModelEvent } from './model-events.ts';

/**
 * Two models of one chart. `core`: the expiry story (a 401 or the expiry timer, validate, reauth, held,
 * aborted, adopted) with budgets that never run out, small enough to walk every simple path. `full`: every
 * event and budget, small budgets; walked edge by edge. The real system is given the same limits.
 */
export type ModelKind = 'core' | 'full';

/** Every delay at least two seconds: the real system may wait a second (a `Date` is read once a second) without a timer firing. */
// The token's timers fire when the path asks: looking again every half minute is test/session/expiry-sleep.test.ts's.
const deadlines = {
  validationBackoffMs: 2_000,
  validationTimeoutMs: 10_000,
  reauthCooldownMs: 30_000,
  reauthTimeoutMs: 90_000,
  lookAgainMs: 2 ** 31 - 1,
};
export const modelLimits: Record<ModelKind, SessionLimits> = {
  core: { ...deadlines, validationRetries: 0, reauthAttempts: 1_000 },
  full: { ...deadlines, validationRetries: 1, reauthAttempts: 2 },
};

const coreEvents = new Set([
  'request.held',
  'request.aborted',
  'reauth.requested',
  'token.adopted',
  'xstate.done.actor.validateSession',
  'xstate.error.actor.validateSession',
  'xstate.done.actor.reauthenticate',
  'xstate.error.actor.reauthenticate',
  'xstate.after.untilExpiring.session.active',
]);

type StateConfig = {
  invoke?: unknown;
  after?: Record<string, unknown>;
  on?: Record<string, unknown>;
  states?: Record<string, StateConfig>;
} & Record<string, unknown>;

function plain(node: StateConfig, id: string): StateConfig {
  const { invoke, after, on, states, ...rest } = node;
  const invokes = (invoke ? (Array.isArray(invoke) ? invoke : [invoke]) : []) as Array<{ id: string; onDone?: unknown; onError?: unknown }>;
  const results = invokes.flatMap((i) => [
    [`xstate.done.actor.${i.id}`, i.onDone],
    [`xstate.error.actor.${i.id}`, i.onError],
  ]);
  const timers = Object.entries(after ?? {}).map(([delay, t]) => [`xstate.after.${delay}.${id}`, t]);
  // The browser's signals (an invoke with no result) become the events the model sends itself.
  const handled = [...results, ...timers].filter(([, t]) => t !== undefined);
  return {
    ...rest,
    on: { ...on, ...Object.fromEntries(handled) },
    ...(states ? { states: Object.fromEntries(Object.entries(states).map(([k, s]) => [k, plain(s, `${id}.${k}`)])) } : {}),
  };
}

/** The provided guards, answered by the event that fired the timer or brought the signal (in an eventless transition, the one that caused the step). */
const conditionOf = ({ event }: { event: unknown }) => event as Condition;
const guardsFromEvents = {
  isTokenExpiring: (args: { event: unknown }) => conditionOf(args).expiring === true,
  isReminderDue: (args: { event: unknown }) => conditionOf(args).due === true,
  isUserActive: (args: { event: unknown }) => conditionOf(args).userActive === true,
  isTokenPastExp: (args: { event: unknown }) => conditionOf(args).pastExp === true,
  hasNewTokenSinceDismissal: (args: { event: unknown }) => conditionOf(args).newToken === true,
};

/**
 * A copy of the chart whose invokes and `after` timers are plain `on` transitions for their
 * `xstate.done/error.actor.<id>` and `xstate.after.…` events: `createTestModel` refuses machines that invoke or
 * wait. The transitions, actions and the chart's own guards are the real ones; the guards `createAuthFetch`
 * provides read the answer from the event, so that the model takes both of their branches.
 */
export function withEffectsAsEvents(machine: AnyStateMachine): AnyStateMachine {
  const config = machine.config as StateConfig;
  const implementations = machine.implementations as { guards: object };
  return createMachine(
    plain(config, config.id as string) as never,
    { ...implementations, guards: { ...implementations.guards, ...guardsFromEvents } } as never,
  );
}

type Snapshot = SnapshotFrom<typeof sessionMachine>;

/** Two held requests are enough to tell "one of several aborted" from "the last one aborted"; more would only grow the graph. */
const maxHeld = 2;

/** Whether the model takes `event` in `snapshot`: enabled by the chart, and the queue kept small. */
export function isModelled(kind: ModelKind, snapshot: Snapshot, event: ModelEvent): boolean {
  // `can` answers for the root's handlers even in the final state: nothing is taken there.
  if (snapshot.status !== 'active') return false;
  if (kind === 'core' && !coreEvents.has(event.type)) return false;
  // Another tab's expiring token adds a branch wherever a token is adopted: walked edge by edge in `full` alone.
  if (kind === 'core' && 'expiring' in event && event.type === 'token.adopted') return false;
  // After a sign-in, the check's yes and no: the rest (errors, calls, tabs meanwhile) is `full`'s, edge by edge, for each
  // would walk every path after it again.
  if (kind === 'core' && snapshot.matches({ validating: 'confirming' }) && event.type !== 'xstate.done.actor.validateSession') return false;
  if (event.type === 'request.held' && snapshot.context.queue.length >= maxHeld) return false;
  // Only a held request can be aborted while held (an empty queue has none to abort).
  if (event.type === 'request.aborted' && !snapshot.context.queue.some((r) => r.id === event.id)) return false;
  return snapshot.can(event as never);
}

/** The time limit the chart gives a probe with the failures of `snapshot`'s spell: its own delay, read as the chart reads it. */
const probeLimitMs = (snapshot: Snapshot): number =>
  (sessionMachine.implementations.delays.validationTimeout as (args: { context: Snapshot['context'] }) => number)({
    context: snapshot.context,
  });

/**
 * Abstract state: the state, how many requests are held and, in the full model, the budgets as their guards
 * read them. Offline counts validation failures without end: it is told apart by the time limit its probe gets
 * (how long until "You're offline"), which stops doubling at 30 s. A sign-in that fails before expiry counts one more
 * each time, without end too: past what a guard tells apart they are one vertex. Ids, URLs, the clock's offset and
 * the sign-out count would make every path a new vertex.
 */
export function serializeState(snapshot: Snapshot, kind: ModelKind = 'full'): string {
  const { queue, validationFailures, reauthFailures, limits } = snapshot.context;
  const budgets =
    kind === 'full'
      ? {
          validationFailures: snapshot.matches('validating') ? validationFailures : 0,
          reauthFailures: Math.min(reauthFailures, limits.reauthAttempts - 1),
          ...(snapshot.matches('offline') && { probeLimitMs: probeLimitMs(snapshot) }),
        }
      : {};
  // Whether the backend was said to be unreachable, the popup is the notice's, and the notice dismissed (not for which exp, which the model never sees).
  const { unreachable, fromNotice } = snapshot.context;
  const reminderDismissed = snapshot.context.reminderDismissed !== false;
  return JSON.stringify({ value: snapshot.value, held: queue.length, unreachable, fromNotice, reminderDismissed, ...budgets });
}

/** The test model of the session chart. */
export function createSessionTestModel(kind: ModelKind) {
  const testable = withEffectsAsEvents(sessionMachine);
  const timers = timerEvents(sessionMachine);
  return createTestModel(testable, {
    input: { limits: modelLimits[kind] } as never,
    // createTestModel adds a bare `{ type }` for every event the state accepts that is not listed: list them all, then filter.
    events: (snapshot) => eventsIn(snapshot as Snapshot, timers) as never,
    filterEvents: (snapshot, event) => isModelled(kind, snapshot as Snapshot, event as ModelEvent),
    serializeState: ((snapshot: Snapshot) => serializeState(snapshot, kind)) as never,
    serializeEvent: (event) => eventName(event as ModelEvent),
    // Steps of the traversal, one per edge: the full model has about 3,200. Far more means the abstraction leaks (a counter without end).
    limit: 4_000,
  });
}
