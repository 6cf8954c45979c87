import type { AnyStateMachine } from 'xstate';

export interface PathStep {
  from: string;
  eventType: string;
  to: string;
}

const key = (from: string, eventType: string, to: string) => `${from} --${eventType}--> ${to}`;

/** Every transition the chart defines, guarded branches apart, as `from --event--> to`. */
export function chartTransitions(machine: AnyStateMachine): string[] {
  const keys: string[] = [];
  for (const node of Object.values(machine.root.states)) {
    for (const [eventType, definitions] of node.transitions) {
      for (const definition of definitions) {
        const to = definition.target?.map((t) => t.key).join(',') ?? node.key;
        keys.push(key(node.key, eventType, to));
      }
    }
  }
  return keys;
}

/**
 * Chart coverage of the paths that ran: states and transitions seen over all
 * defined, as the line the test run prints.
 */
export function chartCoverage(machine: AnyStateMachine, ran: PathStep[][]) {
  const transitions = new Set(chartTransitions(machine));
  const states = new Set(Object.keys(machine.root.states));
  const seenTransitions = new Set(ran.flat().map((s) => key(s.from, s.eventType, s.to)));
  const seenStates = new Set(ran.flat().flatMap((s) => [s.from, s.to]));
  const covered = [...transitions].filter((t) => seenTransitions.has(t));
  const missed = [...transitions].filter((t) => !seenTransitions.has(t));
  const statesCovered = [...states].filter((s) => seenStates.has(s));
  return {
    complete: missed.length === 0 && statesCovered.length === states.size,
    missed,
    line: `chart coverage: states ${statesCovered.length}/${states.size}, transitions ${covered.length}/${transitions.size}, paths ${ran.length}`,
  };
}
