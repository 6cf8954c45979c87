/** @vitest-environment node */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statelyJsonText, withDiagram } from '../../machines/export-stately.ts';

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
});
