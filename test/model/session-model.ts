import { createMachine, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { sessionMachine, type HeldRequest, type SessionEvent } from '../../machines/session.machine.ts';

/** Invoke results, which traversal cannot produce on its own, listed as plain events. */
export type ModelEvent =
  | SessionEvent
  | { type: 'xstate.done.actor.validateSession'; output: boolean }
  | { type: 'xstate.error.actor.validateSession'; error: unknown }
  | { type: 'xstate.done.actor.reauthenticate'; output: undefined }
  | { type: 'xstate.error.actor.reauthenticate'; error: unknown };

type StateConfig = { invoke?: unknown; on?: Record<string, unknown> } & Record<string, unknown>;

/**
 * A copy of the chart whose invokes are plain `on` transitions for their
 * done/error events: `createTestModel` refuses machines that invoke. The
 * transitions, guards and actions are the real ones.
 */
export function withInvokesAsEvents(machine: AnyStateMachine): AnyStateMachine {
  const states = machine.config.states as Record<string, StateConfig>;
  const copied = Object.fromEntries(
    Object.entries(states).map(([key, node]) => {
      const { invoke, on, ...rest } = node;
      if (!invoke) return [key, node];
      const invokes = (Array.isArray(invoke) ? invoke : [invoke]) as Array<{ id: string; onDone?: unknown; onError?: unknown }>;
      const results = Object.fromEntries(
        invokes.flatMap((i) => [
          [`xstate.done.actor.${i.id}`, i.onDone],
          [`xstate.error.actor.${i.id}`, i.onError],
        ]),
      );
      return [key, { ...rest, on: { ...on, ...results } }];
    }),
  );
  return createMachine({ ...machine.config, states: copied } as never, machine.implementations as never);
}

type Snapshot = SnapshotFrom<typeof sessionMachine>;

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
export function isModelled(snapshot: Snapshot, event: ModelEvent): boolean {
  const adds = event.type === 'request.held' || event.type === 'request.unauthorized';
  if (adds && snapshot.context.queue.length >= maxHeld) return false;
  // Only a held request can be aborted while held (an empty queue has none to abort).
  if (event.type === 'request.aborted' && !snapshot.context.queue.some((r) => r.id === event.id)) return false;
  return snapshot.can(event as never);
}

/** Every event a user or the backend can cause in a state, with the payloads the invokes would give. */
export function eventsIn(snapshot: Snapshot): ModelEvent[] {
  const queue = snapshot.context.queue;
  const events: ModelEvent[] = [
    { type: 'request.unauthorized', request: request(queue, 'unauthorized') },
    { type: 'request.held', request: request(queue, 'unsent') },
    { type: 'reauth.requested' },
    { type: 'token.adopted' },
    { type: 'xstate.done.actor.validateSession', output: true },
    { type: 'xstate.done.actor.validateSession', output: false },
    { type: 'xstate.error.actor.validateSession', error: new TypeError('Failed to fetch') },
    { type: 'xstate.done.actor.reauthenticate', output: undefined },
    { type: 'xstate.error.actor.reauthenticate', error: new Error('popup closed') },
  ];
  if (queue[0]) events.push({ type: 'request.aborted', id: queue[0].id });
  return events;
}

/**
 * Abstract state: the state and how many requests are held. Ids and URLs
 * would make every path a new vertex; the count is capped by `maxHeld`.
 */
export function serializeState(snapshot: Snapshot): string {
  return JSON.stringify({ value: snapshot.value, held: snapshot.context.queue.length });
}

/** The test model of the session chart: every simple path from `active`. */
export function createSessionTestModel() {
  const testable = withInvokesAsEvents(sessionMachine);
  return createTestModel(testable, {
    // createTestModel adds a bare `{ type }` for every event the state accepts that is not listed: list them all, then filter.
    events: (snapshot) => eventsIn(snapshot as Snapshot) as never,
    filterEvents: (snapshot, event) => isModelled(snapshot as Snapshot, event as ModelEvent),
    serializeState: serializeState as never,
    limit: 10_000,
  });
}
