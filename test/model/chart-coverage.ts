import type { AnyStateMachine, AnyStateNode, EventObject } from 'xstate';

interface Transition {
  source: AnyStateNode;
  target?: ReadonlyArray<AnyStateNode>;
  eventType: string;
  guard?: unknown;
}

/** `source --event--> target`, by state ids, with the guard when there is one. */
export function transitionKey(t: Transition): string {
  const guard = typeof t.guard === 'string' ? t.guard : (t.guard as { type?: string } | undefined)?.type;
  const to = t.target?.map((n) => n.id).join(',') ?? t.source.id;
  return `${t.source.id} --${t.eventType}${guard ? ` [${guard}]` : ''}--> ${to}`;
}

function nodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((n) => nodes(n as AnyStateNode))];
}

/** Every transition the chart defines, in every state, nested ones included. */
export function chartTransitions(machine: AnyStateMachine): string[] {
  return nodes(machine.root).flatMap((node) =>
    [...node.transitions.values()].flatMap((ts) => ts.map((t) => transitionKey(t as Transition))),
  );
}

/** The transitions `event` takes from `snapshot` (the model's copy keeps the chart's ids and event types). */
export function takenTransitions(machine: AnyStateMachine, snapshot: unknown, event: EventObject): string[] {
  return machine.getTransitionData(snapshot as never, event as never).map((t) => transitionKey(t as Transition));
}

/** Coverage of the paths that ran, as the line the test run prints. */
export function chartCoverage(machine: AnyStateMachine, taken: Iterable<string>, visited: Iterable<string>, paths: number) {
  const transitions = new Set(chartTransitions(machine));
  const states = nodes(machine.root).filter((n) => n !== machine.root).map((n) => n.id);
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
