/** @vitest-environment node */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stripDescriptions } from '../../machines/strip-descriptions.ts';

describe('production builds drop the chart descriptions', () => {
  it('removes every description of the session machine, and nothing else', () => {
    const source = readFileSync(new URL('../../machines/session.machine.ts', import.meta.url), 'utf8');
    const stripped = stripDescriptions(source);
    const config = stripped.slice(stripped.indexOf('.createMachine('));
    expect(config).not.toMatch(/description:/);
    expect(source.match(/description:/g)!.length).toBeGreaterThanOrEqual(9);
    // every other key survives: compare the source with descriptions removed by hand-rolled means
    const keys = (code: string) => code.match(/\b(?:target|actions|guard|invoke|after|on|states|initial|exit|id|src):/g);
    expect(keys(config)).toEqual(keys(source.slice(source.indexOf('.createMachine('))));
  });

  it('handles both quote styles and concatenated lines', () => {
    expect(stripDescriptions(`{ description:\n 'a' +\n "b", on: {} }`)).toBe('{  on: {} }');
    expect(stripDescriptions(`{ description: 'it\\'s', x: 1 }`)).toBe('{  x: 1 }');
  });
});
