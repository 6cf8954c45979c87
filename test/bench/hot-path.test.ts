import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../bench/backend.ts';
import { carryoverCircuit } from '../../bench/balanced-order.ts';
import type { Contender } from '../../bench/contenders/index.ts';
import { hotPath, type HotPathEntrant } from '../../bench/scenarios/hot-path.ts';

/** The slice's clocks, moved only by the contenders' calls: each takes 1 ms of wall time and 0.1 ms of CPU. */
let nowMs = 0;
let cpuUs = 0;
function useCallClock() {
  nowMs = 0;
  cpuUs = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => nowMs);
  vi.spyOn(process, 'cpuUsage').mockImplementation((since) => ({ user: cpuUs - (since?.user ?? 0), system: 0 }));
}
afterEach(() => vi.restoreAllMocks());

/** A contender that answers 200 at once and counts its calls; no network: this checks the schedule and what is timed. */
function entrant(name: string): HotPathEntrant & { calls: () => number } {
  let calls = 0;
  const contender: Contender = {
    name,
    get: async () => {
      calls++;
      nowMs += 1;
      cpuUs += 100;
      return { status: 200, body: '' };
    },
    post: async () => ({ status: 200, body: '' }),
    stop: () => {},
  };
  return { name, contender, tokens: { get: () => 'token', set: () => {} }, calls: () => calls };
}

const backend = { issueToken: async () => 'token' } as unknown as Backend;

describe('the hot path slice (S1/S2)', () => {
  it('records every block at its step in the slice, each contender at its places in the circuit, timing only its measured calls', async () => {
    useCallClock();
    const entrants = ['a', 'b', 'c'].map(entrant);
    // 50 requests in blocks of 5: 10 blocks each, whole circuits of 6 (each contender twice a circuit).
    const byName = await hotPath(50, 1, 5)(backend, entrants, 1);
    const circuit = carryoverCircuit(3);
    const steps = entrants.map(({ name }) => byName.get(name)!.data.blocks.map(([step]) => step));
    // Every step of the slice is recorded once, by the contender the circuit (started one place on) puts there.
    expect(steps.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, step) => step));
    steps.forEach((mine, index) => mine.forEach((step) => expect(circuit[(1 + step) % circuit.length]).toBe(index)));
    for (const [index, { name, calls }] of entrants.entries()) {
      const { data, failures } = byName.get(name)!;
      expect(failures).toEqual([]);
      expect(data).toMatchObject({ requests: 50, ok: 50, block: 5 });
      // Each block ran 3 calls that are not timed, then 5 that are: 5 ms of wall time and 0.5 ms of CPU a block.
      expect(data.blocks.map(([, wallMs, cpuMs]) => [wallMs, cpuMs])).toEqual(Array.from({ length: 10 }, () => [5, 0.5]));
      expect(data).toMatchObject({ wallMs: 50, cpuMs: 5 });
      expect(calls(), `calls of ${entrants[index]!.name}`).toBe(10 * (5 + 3));
    }
  });

  it('reports a contender whose unmeasured calls did not all end 200', async () => {
    const failing = entrant('failing');
    let n = 0;
    failing.contender = { ...failing.contender, get: async () => ({ status: n++ % 8 === 0 ? 401 : 200, body: '' }) };
    const byName = await hotPath(10, 1, 5)(backend, [entrant('ok'), failing], 0);
    expect(byName.get('ok')!.failures).toEqual([]);
    // Two blocks of 3 unmeasured + 5 measured calls: the first call of each block is answered 401.
    expect(byName.get('failing')!.failures).toEqual(['4/6 unmeasured calls ended 200 (4×200, 2×401)']);
  });
});
