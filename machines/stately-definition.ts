import { createActor, type AnyStateMachine, type AnyStateNode } from 'xstate';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface DefinitionTransition {
  target?: ReadonlyArray<AnyStateNode>;
  guard?: { type: string } | string;
  actions: ReadonlyArray<string | { type: string }>;
  reenter?: boolean;
  description?: string;
}

const invokeResult = /^xstate\.(done|error)\.actor\./;
const delayed = /^xstate\.after\./;

/** A target as Stately writes it: a sibling by name, anything else by `#id`. */
function targetOf(source: AnyStateNode, t: DefinitionTransition): string | undefined {
  const target = t.target?.[0];
  if (!target) return undefined;
  return target.parent === source.parent ? target.key : `#${target.id}`;
}

const guardName = (t: DefinitionTransition) => (typeof t.guard === 'string' ? t.guard : t.guard?.type);

function transitionJson(source: AnyStateNode, t: DefinitionTransition): Json {
  const json: Record<string, Json> = {};
  const target = targetOf(source, t);
  if (target) json.target = target;
  const guard = guardName(t);
  if (guard) json.guard = guard;
  const actions = t.actions.map((a) => (typeof a === 'string' ? a : a.type));
  if (actions.length) json.actions = actions;
  if (t.reenter) json.reenter = true;
  if (t.description) json.description = t.description;
  return json;
}

function stateJson(node: AnyStateNode): Json {
  const on: Record<string, Json> = {};
  const after: Record<string, Json> = {};
  for (const [eventType, transitions] of node.transitions) {
    if (invokeResult.test(eventType)) continue;
    const list = (transitions as DefinitionTransition[]).map((t) => transitionJson(node, t));
    // xstate.after.<delay>.<state id>: keyed back by the delay's name, as written in the code
    if (delayed.test(eventType)) after[eventType.slice('xstate.after.'.length, -(node.id.length + 1))] = list;
    else on[eventType] = list;
  }
  const invoke = node.invoke.map((inv) => {
    const results = (kind: 'done' | 'error') =>
      ((node.transitions.get(`xstate.${kind}.actor.${inv.id}`) ?? []) as DefinitionTransition[]).map((t) => transitionJson(node, t));
    return { id: inv.id, src: String(inv.src), onDone: results('done'), onError: results('error') };
  });
  const children = Object.values(node.states) as AnyStateNode[];
  // Named actions only: xstate adds its own (xstate.cancel for `after`).
  const named = (list: ReadonlyArray<unknown>) =>
    (list as ReadonlyArray<string | { type?: unknown }>)
      .map((a) => (typeof a === 'string' ? a : String(a.type)))
      .filter((name) => !name.startsWith('xstate.'));
  const entry = named(node.entry);
  const exit = named(node.exit);
  const always = ((node.always ?? []) as DefinitionTransition[]).map((t) => transitionJson(node, t));
  const tags = [...(node.tags as Iterable<string>)];
  return {
    description: node.description ?? null,
    ...(node.type === 'final' ? { type: 'final' } : {}),
    ...(tags.length ? { tags } : {}),
    ...(children.length
      ? {
          initial: targetOf(children[0]!, node.initial as DefinitionTransition) ?? null,
          states: Object.fromEntries(children.map((c) => [c.key, stateJson(c)])),
        }
      : {}),
    ...(entry.length ? { entry } : {}),
    ...(exit.length ? { exit } : {}),
    ...(invoke.length ? { invoke } : {}),
    ...(Object.keys(after).length ? { after } : {}),
    ...(always.length ? { always } : {}),
    on,
  };
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
  const root = stateJson(machine.root) as Record<string, Json>;
  return {
    id: machine.id,
    ...root,
    context: JSON.parse(JSON.stringify(createActor(machine).getSnapshot().context)) as Json,
  };
}

const descendants = (node: AnyStateNode): AnyStateNode[] =>
  (Object.values(node.states) as AnyStateNode[]).flatMap((child) => [child, ...descendants(child)]);

/** Mermaid ids: a state's name, or its parent's and its own where two states share a name (mermaid would draw one). */
function mermaidIds(machine: AnyStateMachine): Map<AnyStateNode, string> {
  const nodes = descendants(machine.root);
  const named = (key: string) => nodes.filter((n) => n.key === key).length;
  const ids = new Map(nodes.map((n) => [n, named(n.key) > 1 ? `${n.parent!.key}${n.key[0]!.toUpperCase()}${n.key.slice(1)}` : n.key]));
  const clash = [...ids.values()].find((id, i, all) => all.indexOf(id) !== i);
  if (clash) throw new Error(`two states would both be drawn as ${clash}`);
  return ids;
}

/** A move drawn between two states: taken without a move (actions only) it is left to stately.json. */
interface Move {
  from: AnyStateNode;
  to: AnyStateNode;
  event: string;
  guard?: string;
}

const eventName = (eventType: string) =>
  eventType.replace(/^xstate\.(done|error)\.actor\.(.+)$/, '$2 $1').replace(/^xstate\.after\.([^.]+)\..*$/, 'after $1');

/** Every move, each state's after its children's, then the root's (taken in every state) from each top-level state it leaves. */
function movesOf(machine: AnyStateMachine): Move[] {
  const own = (node: AnyStateNode): Move[] =>
    [...node.transitions, ['always', node.always ?? []] as const].flatMap(([eventType, transitions]) =>
      (transitions as DefinitionTransition[])
        .filter((t) => t.target?.length)
        .map((t) => ({ from: node, to: t.target![0]!, event: eventName(eventType), guard: guardName(t) })),
    );
  const within = (node: AnyStateNode): Move[] =>
    (Object.values(node.states) as AnyStateNode[]).flatMap((child) => [...within(child), ...own(child)]);
  const tops = Object.values(machine.root.states) as AnyStateNode[];
  const fromRoot = [...machine.root.transitions].flatMap(([eventType, transitions]) =>
    (transitions as DefinitionTransition[]).flatMap((t) =>
      // A final state takes no event.
      tops
        .filter((from) => t.target?.[0] && t.target[0] !== from && from.type !== 'final')
        .map((from) => ({ from, to: t.target![0]!, event: eventType, guard: guardName(t) })),
    ),
  );
  return [...within(machine.root), ...fromRoot];
}

/** `a --> b: e1, e2` lines, one per pair of states, events in the order met. */
function arrowLines(pairs: ReadonlyArray<{ arrow: string; label: string }>): string[] {
  const arrows = new Map<string, string[]>();
  for (const { arrow, label } of pairs) arrows.set(arrow, [...(arrows.get(arrow) ?? []), label]);
  return [...arrows].map(([arrow, labels]) => `${arrow}: ${labels.join(', ')}`);
}

/**
 * The chart as a Mermaid `stateDiagram-v2`, for docs/chart.md: one arrow per
 * pair of states with their events joined; events taken without a move are left to stately.json.
 *
 * @example
 * console.log(toMermaid(sessionMachine));
 */
export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  const ids = mermaidIds(machine);
  const id = (node: AnyStateNode) => ids.get(node)!;
  // Composite states are drawn as blocks; every arrow goes at the top level, where mermaid lets it cross blocks.
  const draw = (node: AnyStateNode, indent: string) => {
    const children = Object.values(node.states) as AnyStateNode[];
    const initial = children.length ? (node.initial as DefinitionTransition).target![0]! : undefined;
    if (initial) lines.push(`${indent}[*] --> ${id(initial)}`);
    for (const child of children) {
      // A history node is drawn as what it is: the state it remembers, not one of its own.
      const label = child.type === 'history' ? 'history' : child.key;
      const drawn = label === id(child) ? label : `state "${label}" as ${id(child)}`;
      // `[*] --> name` has already put the initial state in its block.
      const listed = child === initial && drawn === id(child);
      if (node !== machine.root && !Object.keys(child.states).length && !listed) lines.push(`${indent}${drawn}`);
      if (Object.keys(child.states).length) {
        lines.push(`${indent}state ${id(child)} {`);
        draw(child, `${indent}  `);
        lines.push(`${indent}}`);
      }
    }
  };
  draw(machine.root, '');
  const moves = movesOf(machine).map((m) => ({
    arrow: `${id(m.from)} --> ${id(m.to)}`,
    label: m.guard ? `${m.event} [${m.guard}]` : m.event,
  }));
  return [...lines, ...arrowLines(moves)].join('\n');
}

/**
 * The chart's top-level states only, for the README: one arrow per pair of
 * them with their events joined, no guards, each event once; moves inside a state are left out.
 *
 * @example
 * console.log(toOverviewMermaid(sessionMachine));
 */
export function toOverviewMermaid(machine: AnyStateMachine): string {
  const tops = Object.values(machine.root.states) as AnyStateNode[];
  const top = (node: AnyStateNode): AnyStateNode => (node.parent === machine.root ? node : top(node.parent!));
  const initial = (machine.root.initial as DefinitionTransition).target![0]!;
  // Grouped by the state they leave, in the chart's order, so each state's ways out read together.
  const moves = movesOf(machine)
    .map((m) => ({ from: top(m.from), to: top(m.to), label: m.event }))
    .filter((m) => m.from !== m.to)
    .sort((a, b) => tops.indexOf(a.from) - tops.indexOf(b.from))
    .map((m) => ({ arrow: `${m.from.key} --> ${m.to.key}`, label: m.label }))
    .filter((m, i, all) => all.findIndex((o) => o.arrow === m.arrow && o.label === m.label) === i);
  return ['stateDiagram-v2', `[*] --> ${initial.key}`, ...arrowLines(moves)].join('\n');
}
