import { createMachine, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { sessionMachine, type HeldRequest, type SessionEvent, type SessionLimits } from '../../machines/session.machine.ts';

/** Invoke results and timers, which traversal cannot produce on its own, listed as plain events. */
export type ModelEvent =
  | SessionEvent
  | { type: 'xstate.done.actor.validateSession'; output: boolean }
  | { type: 'xstate.error.actor.validateSession'; error: unknown }
  | { type: 'xstate.done.actor.reauthenticate'; output: undefined }
  | { type: 'xstate.error.actor.reauthenticate'; error: unknown }
  | { type: 'xstate.after.validationBackoff.session.validating.offline' }
  | { type: 'xstate.after.reauthCooldown.session.needsReauth.coolingDown' };

/**
 * Two models of one chart. `core`: the expiry story (401, validate, reauth,
 * held, aborted, adopted) with budgets that never run out, small enough to
 * walk every simple path. `full`: every event and budget, small budgets; its
 * simple paths number in the tens of thousands, so it is walked edge by edge.
 * The real system is given the same budgets as the model it runs.
 */
export type ModelKind = 'core' | 'full';

export const modelLimits: Record<ModelKind, SessionLimits> = {
  core: { validationRetries: 0, validationBackoffMs: 1_000, reauthAttempts: 1_000, reauthCooldownMs: 30_000 },
  full: { validationRetries: 1, validationBackoffMs: 1_000, reauthAttempts: 2, reauthCooldownMs: 30_000 },
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
]);

type StateConfig = {
  id?: string;
  invoke?: unknown;
  after?: Record<string, unknown>;
  on?: Record<string, unknown>;
  states?: Record<string, StateConfig>;
} & Record<string, unknown>;

function plain(node: StateConfig, id: string): StateConfig {
  const { invoke, after, on, states, ...rest } = node;
  const invokes = (invoke ? (Array.isArray(invoke) ? invoke : [invoke]) : []) as Array<{
    id: string;
    onDone?: unknown;
    onError?: unknown;
  }>;
  const results = invokes.flatMap((i) => [
    [`xstate.done.actor.${i.id}`, i.onDone],
    [`xstate.error.actor.${i.id}`, i.onError],
  ]);
  const timers = Object.entries(after ?? {}).map(([delay, t]) => [`xstate.after.${delay}.${id}`, t]);
  return {
    ...rest,
    on: { ...on, ...Object.fromEntries([...results, ...timers]) },
    ...(states
      ? { states: Object.fromEntries(Object.entries(states).map(([k, s]) => [k, plain(s, `${id}.${k}`)])) }
      : {}),
  };
}

/**
 * A copy of the chart whose invokes and `after` timers are plain `on`
 * transitions for their `xstate.done/error.actor.<id>` and `xstate.after.…`
 * events: `createTestModel` refuses machines that invoke or wait. The
 * transitions, guards and actions are the real ones.
 */
export function withEffectsAsEvents(machine: AnyStateMachine): AnyStateMachine {
  const config = machine.config as StateConfig;
  return createMachine(plain(config, config.id ?? machine.id) as never, machine.implementations as never);
}

type Snapshot = SnapshotFrom<typeof sessionMachine>;

/** Why a `request.held` event of the model holds its one request (the model holds one at a time); undefined for other events. */
export const heldReason = (event: ModelEvent): HeldRequest['reason'] | undefined =>
  event.type === 'request.held' ? event.requests[0]!.reason : undefined;

/** An event's name in a path's title: a hold says why, `request.held(unauthorized)` or `request.held(unsent)`. */
export const eventName = (event: ModelEvent) => (event.type === 'request.held' ? `request.held(${heldReason(event)})` : event.type);

function request(queue: readonly HeldRequest[], reason: HeldRequest['reason']): HeldRequest {
  const id = `r${Math.max(0, ...queue.map((r) => Number(r.id.slice(1)))) + 1}`;
  return { id, method: 'GET', url: `https://api.test/api/${id}`, reason };
}

/**
 * Two held requests are enough to tell "one of several aborted" from "the last
 * one aborted"; more would only grow the graph.
 */
const maxHeld = 2;

/** Whether the model takes `event` in `snapshot`: enabled by the chart, and the queue kept small. */
export function isModelled(kind: ModelKind, snapshot: Snapshot, event: ModelEvent): boolean {
  if (kind === 'core' && !coreEvents.has(event.type)) return false;
  if (event.type === 'request.held' && snapshot.context.queue.length >= maxHeld) return false;
  // Only a held request can be aborted while held (an empty queue has none to abort).
  if (event.type === 'request.aborted' && !snapshot.context.queue.some((r) => r.id === event.id)) return false;
  return snapshot.can(event as never);
}

/** Every event a user, a tab, the network or the backend can cause, with the payloads the invokes would give. */
export function eventsIn(snapshot: Snapshot): ModelEvent[] {
  const queue = snapshot.context.queue;
  const events: ModelEvent[] = [
    { type: 'request.held', requests: [request(queue, 'unauthorized')] },
    { type: 'request.held', requests: [request(queue, 'unsent')] },
    { type: 'reauth.requested' },
    { type: 'reauth.startedElsewhere' },
    { type: 'reauth.endedElsewhere' },
    { type: 'token.adopted' },
    { type: 'token.expiring' },
    { type: 'network.online' },
    { type: 'session.ended' },
    { type: 'xstate.done.actor.validateSession', output: true },
    { type: 'xstate.done.actor.validateSession', output: false },
    { type: 'xstate.error.actor.validateSession', error: new TypeError('Failed to fetch') },
    { type: 'xstate.done.actor.reauthenticate', output: undefined },
    { type: 'xstate.error.actor.reauthenticate', error: new Error('popup closed') },
    { type: 'xstate.after.validationBackoff.session.validating.offline' },
    { type: 'xstate.after.reauthCooldown.session.needsReauth.coolingDown' },
  ];
  if (queue[0]) events.push({ type: 'request.aborted', id: queue[0].id });
  return events;
}

/**
 * Abstract state: the state, how many requests are held and, in the full
 * model, the budgets spent (its guards read them). Ids and URLs would make
 * every path a new vertex.
 */
export function serializeState(snapshot: Snapshot, kind: ModelKind = 'full'): string {
  const { queue, validationFailures, reauthFailures } = snapshot.context;
  const budgets = kind === 'full' ? { validationFailures, reauthFailures } : {};
  return JSON.stringify({ value: snapshot.value, held: queue.length, ...budgets });
}

/** The test model of the session chart. */
export function createSessionTestModel(kind: ModelKind) {
  const testable = withEffectsAsEvents(sessionMachine);
  return createTestModel(testable, {
    input: { limits: modelLimits[kind] } as never,
    // createTestModel adds a bare `{ type }` for every event the state accepts that is not listed: list them all, then filter.
    events: (snapshot) => eventsIn(snapshot as Snapshot) as never,
    filterEvents: (snapshot, event) => isModelled(kind, snapshot as Snapshot, event as ModelEvent),
    serializeState: ((snapshot: Snapshot) => serializeState(snapshot, kind)) as never,
    limit: 10_000,
  });
}
