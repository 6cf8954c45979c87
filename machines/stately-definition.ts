import type { AnyStateMachine } from 'xstate';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface TransitionJson {
  target?: string;
  guard?: string;
  actions?: string[];
  description?: string;
}

interface DefinitionTransition {
  target?: ReadonlyArray<{ key: string }> | readonly string[];
  guard?: { type: string };
  actions: ReadonlyArray<string | { type: string }>;
  eventType: string;
  description?: string;
}

const isInvokeResult = (eventType: string) => /^xstate\.(done|error)\.actor\./.test(eventType);

function targetName(target: DefinitionTransition['target']): string | undefined {
  const first = target?.[0];
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first.replace(/^#[^.]+\./, '') : first.key;
}

function transitionJson(t: DefinitionTransition): TransitionJson {
  const json: TransitionJson = {};
  const target = targetName(t.target);
  if (target) json.target = target;
  if (t.guard) json.guard = t.guard.type;
  const actions = t.actions.map((a) => (typeof a === 'string' ? a : a.type));
  if (actions.length) json.actions = actions;
  if (t.description) json.description = t.description;
  return json;
}

/**
 * The chart as a machine config in JSON, states keyed by name: what Stately's
 * editor imports and what `stately.json` holds. Built from the running
 * machine, so it cannot say anything the code does not do.
 *
 * @example
 * writeFileSync('stately.json', JSON.stringify(toStatelyJson(sessionMachine), null, 2));
 */
export function toStatelyJson(machine: AnyStateMachine): Json {
  const states: Record<string, Json> = {};
  for (const node of Object.values(machine.root.states)) {
    const on: Record<string, Json> = {};
    for (const [eventType, transitions] of node.transitions) {
      if (isInvokeResult(eventType)) continue;
      on[eventType] = transitions.map((t) => transitionJson(t as DefinitionTransition) as Json);
    }
    const invoke = node.invoke.map((inv) => {
      const results = (kind: 'done' | 'error') =>
        (node.transitions.get(`xstate.${kind}.actor.${inv.id}`) ?? []).map((t) => transitionJson(t as DefinitionTransition) as Json);
      return { id: inv.id, src: String(inv.src), onDone: results('done'), onError: results('error') };
    });
    states[node.key] = {
      description: node.description ?? null,
      ...(invoke.length ? { invoke } : {}),
      on,
    };
  }
  return {
    id: machine.id,
    description: machine.root.description ?? null,
    initial: targetName(machine.root.initial?.target as DefinitionTransition['target']) ?? null,
    context: JSON.parse(JSON.stringify(machine.config.context ?? {})) as Json,
    states,
  };
}

/**
 * The chart as a Mermaid `stateDiagram-v2`, for the README.
 *
 * @example
 * console.log(toMermaid(sessionMachine));
 */
export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${targetName(machine.root.initial?.target as DefinitionTransition['target'])}`];
  // One arrow per pair of states, its events joined: self-loops would otherwise swamp the picture.
  const arrows = new Map<string, string[]>();
  for (const node of Object.values(machine.root.states)) {
    for (const [eventType, transitions] of node.transitions) {
      for (const t of transitions as Iterable<DefinitionTransition>) {
        const arrow = `  ${node.key} --> ${targetName(t.target) ?? node.key}`;
        const label = eventType.replace(/^xstate\.(done|error)\.actor\.(.+)$/, '$2 $1') + (t.guard ? ` [${t.guard.type}]` : '');
        arrows.set(arrow, [...(arrows.get(arrow) ?? []), label]);
      }
    }
  }
  for (const [arrow, labels] of arrows) lines.push(`${arrow}: ${labels.join(', ')}`);
  return lines.join('\n');
}
