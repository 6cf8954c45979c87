import { createActor, type AnyActorRef, type AnyStateMachine, type AnyStateNode, type EventObject, type InspectionEvent } from 'xstate';

interface Transition {
  source: AnyStateNode;
  target?: ReadonlyArray<AnyStateNode>;
  eventType: string;
  guard?: unknown;
}

/** `source --event--> target`, by state ids, with the guard when there is one; `always` for an eventless transition. */
export function transitionKey(t: Transition): string {
  const guard = typeof t.guard === 'string' ? t.guard : (t.guard as { type?: string } | undefined)?.type;
  const to = t.target?.map((n) => n.id).join(',') ?? t.source.id;
  return `${t.source.id} --${t.eventType || 'always'}${guard ? ` [${guard}]` : ''}--> ${to}`;
}

function nodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((n) => nodes(n as AnyStateNode))];
}

/** Every transition the chart defines, in every state, nested and eventless ones included. */
export function chartTransitions(machine: AnyStateMachine): string[] {
  return nodes(machine.root).flatMap((node) => [
    ...[...node.transitions.values()].flatMap((ts) => ts.map((t) => transitionKey(t as Transition))),
    ...(node.always ?? []).map((t) => transitionKey(t as Transition)),
  ]);
}

/** The keys of the transitions in a microstep (none when the event found no transition). */
function microstepKeys(event: InspectionEvent, of?: AnyActorRef): string[] {
  if (event.type !== '@xstate.microstep' || (of && event.actorRef !== of)) return [];
  return event._transitions.map((t) => transitionKey(t as Transition));
}

/**
 * Records the transitions a running machine takes, eventless ones included, from its microsteps.
 * `take()` returns those since the last call.
 */
export function recordTransitions(actor: AnyActorRef) {
  let taken: string[] = [];
  const subscription = actor.system.inspect((event) => taken.push(...microstepKeys(event, actor)));
  return {
    take: () => [taken, (taken = [])][0]!,
    stop: () => subscription.unsubscribe(),
  };
}

/** The transitions `event` takes from `snapshot` in `machine` (the model's copy keeps the chart's ids, events and guards). */
export function modelTransitions(machine: AnyStateMachine, snapshot: unknown, event: EventObject): string[] {
  const taken: string[] = [];
  const actor = createActor(machine, { snapshot: snapshot as never, inspect: (e) => taken.push(...microstepKeys(e)) });
  actor.start();
  taken.length = 0;
  actor.send(event);
  actor.stop();
  return taken;
}

/** Coverage of the paths that ran, as the line the test run prints. */
export function chartCoverage(machine: AnyStateMachine, taken: Iterable<string>, visited: Iterable<string>, paths: number) {
  const transitions = new Set(chartTransitions(machine));
  const states = nodes(machine.root)
    // A history node is never a state the session is in: entering it enters the state it remembers.
    .filter((n) => n !== machine.root && n.type !== 'history')
    .map((n) => n.id);
  const seen = new Set(taken);
  const seenStates = new Set(visited);
  const missed = [...transitions].filter((t) => !seen.has(t));
  const statesCovered = states.filter((s) => seenStates.has(s));
  return {
    complete: missed.length === 0 && statesCovered.length === states.length,
    missed: [...missed, ...states.filter((s) => !seenStates.has(s))],
    line: `chart coverage: states ${statesCovered.length}/${states.length}, transitions ${transitions.size - missed.length}/${transitions.size}, paths ${paths}`,
  };
}
