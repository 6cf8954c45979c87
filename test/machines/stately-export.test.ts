/** @vitest-environment node */
import { readFileSync } from 'node:fs';
import type { AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { statelyJsonText, withDiagram } from '../../machines/export-stately.ts';
import { sessionMachine } from '../../machines/session.machine.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('stately.json and the README diagram come from the machine', () => {
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

  it("the README's diagram is the machine's", () => {
    const readme = read('README.md');
    expect(withDiagram(readme), 'README diagram has drifted: run npm run stately').toBe(readme);
  });

  it("the README's diagram draws each state once and each move from its own state", () => {
    const diagram = read('README.md').split('```mermaid\n')[1]!.split('\n```')[0]!.split('\n');
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
        for (const t of transitions as ReadonlyArray<{ target?: ReadonlyArray<AnyStateNode>; guard?: string | { type: string } }>) {
          if (!t.target?.length) continue;
          const name = event.replace(/^xstate\.(done|error)\.actor\.(.+)$/, '$2 $1').replace(/^xstate\.after\.([^.]+)\..*$/, 'after $1');
          const guard = typeof t.guard === 'string' ? t.guard : t.guard?.type;
          const label = guard ? `${name} [${guard}]` : name;
          const arrow = `${ids.get(path(node))} --> ${ids.get(path(t.target[0]!))}`;
          expect(arrows.get(arrow) ?? [], `${path(node)} --> ${path(t.target[0]!)}: ${label}`).toContain(label);
        }
      }
    }
  });
});
