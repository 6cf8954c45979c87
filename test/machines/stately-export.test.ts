/** @vitest-environment node */
import { readFileSync } from 'node:fs';
import type { AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { chartPageText, statelyJsonText, withDiagram } from '../../machines/export-stately.ts';
import { sessionMachine } from '../../machines/session.machine.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const mermaidIn = (path: string) => read(path).split('```mermaid\n')[1]!.split('\n```')[0]!.split('\n');
const eventName = (event: string) =>
  event.replace(/^xstate\.(done|error)\.actor\.(.+)$/, '$2 $1').replace(/^xstate\.after\.([^.]+)\..*$/, 'after $1');
type Transition = { target?: ReadonlyArray<AnyStateNode>; guard?: string | { type: string } };

describe('stately.json, docs/chart.md and the README overview come from the machine', () => {
  it('stately.json is what `npm run stately` would write now', () => {
    expect(read('stately.json'), 'stately.json has drifted from the machine: run npm run stately').toBe(statelyJsonText());
  });

  it('keys states by name, with their descriptions, invokes and transitions', () => {
    const chart = JSON.parse(read('stately.json'));
    expect(Object.keys(chart.states)).toEqual(['active', 'validating', 'offline', 'needsReauth', 'reauthenticating', 'stopped']);
    expect(chart.initial).toBe('active');
    const checking = chart.states.validating.states.checking;
    expect(checking.invoke[0]).toMatchObject({ id: 'validateSession', src: 'validateSession' });
    expect(checking.invoke[0].onDone[0]).toMatchObject({ target: '#session.active', guard: 'isSessionValid' });
    expect(chart.states.needsReauth.states.waiting.on['reauth.requested'][0].target).toBe('#session.reauthenticating.holding');
    expect(chart.states.offline.states.waiting.after.validationBackoff[0].target).toBe('probing');
    expect(chart.states.active.states.due.always).toContainEqual({ target: 'reminding', guard: 'isUserActive' });
    expect(chart.states.active.tags).toEqual(['sending']);
    expect(chart.states.stopped.type).toBe('final');
    expect(chart.context.limits).toEqual({
      validationRetries: 2,
      validationBackoffMs: 1000,
      validationTimeoutMs: 5000,
      reauthAttempts: 3,
      reauthCooldownMs: 30000,
      reauthTimeoutMs: 180000,
      lookAgainMs: 30000,
    });
    for (const state of Object.values<{ description: string | null }>(chart.states)) expect(state.description).toBeTruthy();
  });

  it("the README's overview is the machine's", () => {
    const readme = read('README.md');
    expect(withDiagram(readme), 'README overview has drifted: run npm run stately').toBe(readme);
  });

  it('docs/chart.md is what `npm run stately` would write now', () => {
    expect(read('docs/chart.md'), 'docs/chart.md has drifted from the machine: run npm run stately').toBe(chartPageText());
  });

  it("docs/chart.md's diagram draws each state once and each move from its own state", () => {
    const diagram = mermaidIn('docs/chart.md');
    // Mermaid ids, by the state's path: a bare name, `[*] --> name` or `state "label" as id`, inside its parent's block.
    const ids = new Map<string, string>();
    const parents: string[] = [];
    for (const line of diagram.map((l) => l.trim())) {
      const block = /^state (\S+) \{$/.exec(line);
      const labelled = /^state "([^"]+)" as (\S+)$/.exec(line) ?? /^\[\*\] --> ((\S+))$/.exec(line);
      if (block) {
        ids.set(block[1]!, block[1]!);
        parents.push(block[1]!);
      } else if (line === '}') parents.pop();
      else if (parents.length && (labelled || /^\w+$/.test(line))) {
        ids.set(`${parents.at(-1)}.${labelled?.[1] ?? line}`, labelled?.[2] ?? line);
      }
    }
    const descendants = (node: AnyStateNode): AnyStateNode[] =>
      Object.values(node.states).flatMap((c) => [c as AnyStateNode, ...descendants(c as AnyStateNode)]);
    // A history node is labelled "history", whatever its key.
    const path = (node: AnyStateNode) => [...node.path.slice(0, -1), node.type === 'history' ? 'history' : node.key].join('.');
    const states = descendants(sessionMachine.root).filter((n) => n.type !== 'final');
    for (const node of states) expect(ids.has(path(node)), `${path(node)} is drawn`).toBe(true);
    const drawn = states.map((n) => ids.get(path(n)));
    expect(new Set(drawn).size, `one Mermaid id per state: ${drawn.join(' ')}`).toBe(states.length);

    const arrows = new Map<string, string[]>();
    for (const line of diagram) {
      const arrow = /^\s*(\S+) --> (\S+): (.*)$/.exec(line);
      if (arrow) arrows.set(`${arrow[1]} --> ${arrow[2]}`, arrow[3]!.split(', '));
    }
    for (const node of states) {
      const moves = [...node.transitions, ['always', node.always ?? []] as const];
      for (const [event, transitions] of moves) {
        for (const t of transitions as ReadonlyArray<Transition>) {
          if (!t.target?.length) continue;
          const name = eventName(event);
          const guard = typeof t.guard === 'string' ? t.guard : t.guard?.type;
          const label = guard ? `${name} [${guard}]` : name;
          const arrow = `${ids.get(path(node))} --> ${ids.get(path(t.target[0]!))}`;
          expect(arrows.get(arrow) ?? [], `${path(node)} --> ${path(t.target[0]!)}: ${label}`).toContain(label);
        }
      }
    }
  });

  it("the README's overview draws the top-level states and each move between two of them, by its events", () => {
    const diagram = mermaidIn('README.md');
    const tops = Object.values(sessionMachine.root.states) as AnyStateNode[];
    const keys = tops.map((n) => n.key);
    expect(diagram.slice(0, 2)).toEqual(['stateDiagram-v2', '[*] --> active']);
    const arrows = new Map<string, string[]>();
    for (const line of diagram.slice(2)) {
      // Only `from --> to: events` between two different top-level states: no blocks, no guards.
      const arrow = /^(\w+) --> (\w+): ([\w. ]+(?:, [\w. ]+)*)$/.exec(line);
      expect(arrow, `"${line}" is an arrow between two states, labelled by events`).not.toBeNull();
      const [, from, to, label] = arrow!;
      expect(keys, line).toContain(from);
      expect(keys, line).toContain(to);
      expect(from, line).not.toBe(to);
      expect(arrows.has(`${from} --> ${to}`), `${from} --> ${to} is drawn once`).toBe(false);
      const events = label!.split(', ');
      expect(new Set(events).size, `each event once: ${line}`).toBe(events.length);
      arrows.set(`${from} --> ${to}`, events);
    }
    for (const key of keys)
      expect(
        [...arrows.keys()].some((a) => a.split(' --> ').includes(key)),
        `${key} is drawn`,
      ).toBe(true);

    const top = (node: AnyStateNode): AnyStateNode => (node.parent === sessionMachine.root ? node : top(node.parent!));
    const moves: string[] = [];
    const descendants = (node: AnyStateNode): AnyStateNode[] =>
      Object.values(node.states).flatMap((c) => [c as AnyStateNode, ...descendants(c as AnyStateNode)]);
    for (const node of descendants(sessionMachine.root)) {
      for (const [event, transitions] of [...node.transitions, ['always', node.always ?? []] as const]) {
        for (const t of transitions as ReadonlyArray<Transition>) {
          const to = t.target?.[0];
          if (to && top(to) !== top(node)) moves.push(`${top(node).key} --> ${top(to).key}: ${eventName(event)}`);
        }
      }
    }
    // The root's moves are taken in every top-level state but the final one.
    for (const [event, transitions] of sessionMachine.root.transitions) {
      for (const t of transitions as ReadonlyArray<Transition>) {
        const to = t.target?.[0];
        for (const from of tops)
          if (to && top(to) !== from && from.type !== 'final') moves.push(`${from.key} --> ${top(to).key}: ${event}`);
      }
    }
    for (const move of moves) {
      const [arrow, event] = move.split(': ');
      expect(arrows.get(arrow!) ?? [], move).toContain(event);
    }
    const drawn = [...arrows].flatMap(([arrow, events]) => events.map((e) => `${arrow}: ${e}`));
    for (const move of drawn) expect(moves, `${move} is a move of the chart`).toContain(move);
  });
});
