/** @vitest-environment node */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSeed, runsFrom, seedFrom } from '../support/fuzz-settings.ts';

describe('the fuzz settings', () => {
  it('runs a fixed seed unless FUZZ_SEED asks for another or for a random one', () => {
    expect(seedFrom(undefined)).toBe(defaultSeed);
    expect(seedFrom('')).toBe(defaultSeed);
    expect(seedFrom('-567495815')).toBe(-567495815);
    expect(seedFrom('random')).toBeUndefined();
  });

  it('sets that seed for every property of the suite', () => {
    expect(fc.readConfigureGlobal().seed).toBe(seedFrom(process.env.FUZZ_SEED));
  });

  it('names the variable and the value it cannot read', () => {
    expect(() => seedFrom('abc')).toThrow('FUZZ_SEED must be an integer or "random", got "abc".');
    expect(() => seedFrom('1.5')).toThrow('FUZZ_SEED');
    expect(() => runsFrom('0')).toThrow('FUZZ_RUNS must be a positive integer, got "0".');
    expect(() => runsFrom('many')).toThrow('FUZZ_RUNS');
    expect(runsFrom(undefined)).toBe(1_000);
    expect(runsFrom('20000')).toBe(20_000);
  });
});
