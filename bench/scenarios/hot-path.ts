import type { Backend } from '../backend.ts';
import { carryoverCircuit } from '../balanced-order.ts';
import type { Contender, TokenStore } from '../contenders/contender.ts';
import { describeCounts, pool, statusCounts } from './tools.ts';
import type { HotBlock, HotPathData, Measured } from './types.ts';

/** Adds how `outcomes` ended to `counts`. */
function add(counts: Record<string, number>, outcomes: Parameters<typeof statusCounts>[0]): void {
  for (const [status, n] of Object.entries(statusCounts(outcomes))) counts[status] = (counts[status] ?? 0) + n;
}

/** Calls a contender makes, unmeasured, at the start of each of its blocks. */
const WARM = 3;

/** One contender taking part in a hot-path slice, with its token store. */
export interface HotPathEntrant {
  name: string;
  contender: Contender;
  tokens: TokenStore;
}

/** S1/S2 for every entrant at once: at least `requests` GETs each (whole circuits of blocks), `concurrency` at a time. */
export type HotPathSlice = (backend: Backend, entrants: readonly HotPathEntrant[], turn: number) => Promise<Map<string, Measured<HotPathData>>>;

/**
 * S1 and S2: at least `requests` GETs with a valid token per contender
 * (whole circuits of blocks: 500 make 625 with six contenders), `concurrency`
 * at a time; wall time and the client's CPU time.
 *
 * The contenders take turns block by block: each runs `block` requests (after
 * `WARM` calls that are not measured), then the next, around `carryoverCircuit`:
 * every contender runs as many blocks as the others and right after each of
 * them equally often (but for the one join from the slice's last block to its
 * first). A contender's figures are the sums over its blocks, and each block's
 * own with the step it ran at (hot-ratios.ts pairs each with the floor's nearest). This
 * VM's speed swings by a third within a fraction of a second; blocks of a few
 * tens of milliseconds put every contender on the same machine. `entrants`
 * come in the order of their places in the circuit (the caller shuffles them
 * each slice); `turn` counts slices, and each starts one place further along.
 * No GC is forced: after a full GC the next ~300 ms ran 15–30% slower. A
 * scavenge falls in the block whose allocation fills the young generation,
 * so more often in the blocks of a contender that allocates more: the sums
 * carry each one's garbage; the block median (hot-ratios.ts) mostly leaves it
 * out in S1, where one block in ten has a scavenge (authFetch adds ~1.3 KB to
 * the ~46 KB undici allocates per request).
 *
 * @example
 * const s1 = hotPath(500, 1, 25);
 * const byName = await s1(backend, entrants, 0); // byName.get('authFetch')?.data.wallMs
 */
export function hotPath(requests: number, concurrency: number, block: number): HotPathSlice {
  return async (backend, entrants, turn) => {
    const token = await backend.issueToken();
    for (const { tokens } of entrants) tokens.set(token);
    const sums = new Map(entrants.map(({ name }) => [name, { counts: {} as Record<string, number>, warmCounts: {} as Record<string, number>, measured: [] as HotBlock[] }]));
    const circuit = carryoverCircuit(entrants.length);
    // Whole circuits only, so that each contender runs as many blocks as the others, after each of them equally often.
    const perContender = Math.max(1, entrants.length - 1);
    const blocks = Math.ceil(Math.ceil(requests / block) / perContender) * perContender * entrants.length;
    for (let step = 0; step < blocks; step++) {
      // Each slice starts one place further along the circuit: its first blocks run slower (the scenario before
      // it, or the last slice's other load, is still settling), and that should not be one contender's lot.
      const { name, contender } = entrants[circuit[(turn + step) % circuit.length]!]!;
      const sum = sums.get(name)!;
      // Not measured: the first calls after another library ran pay for its cache misses, not this library's cost.
      // Still checked: a failure there is a failure.
      add(sum.warmCounts, await pool(WARM, 1, () => contender.get('/api/item')));
      const cpu = process.cpuUsage();
      const started = performance.now();
      const outcomes = await pool(block, concurrency, () => contender.get('/api/item'));
      const wallMs = performance.now() - started;
      const { user, system } = process.cpuUsage(cpu);
      // To the microsecond, as the CPU figure comes: a run's JSON stays small (the digits beyond are the clock's noise).
      sum.measured.push([step, Math.round(wallMs * 1000) / 1000, (user + system) / 1000]);
      add(sum.counts, outcomes);
    }
    return new Map(
      [...sums].map(([name, { counts, warmCounts, measured }]) => {
        // The contender's figures are the sums over its blocks.
        const total = (at: 1 | 2) => measured.reduce((sum, b) => sum + b[at], 0);
        const ran = measured.length * block;
        const ok = counts[200] ?? 0;
        const warmRan = measured.length * WARM;
        const failures = [
          ...(ok === ran ? [] : [`${ok}/${ran} ended 200 (${describeCounts(counts)})`]),
          ...((warmCounts[200] ?? 0) === warmRan ? [] : [`${warmCounts[200] ?? 0}/${warmRan} unmeasured calls ended 200 (${describeCounts(warmCounts)})`]),
        ];
        return [name, { data: { requests: ran, ok, wallMs: total(1), cpuMs: total(2), block, blocks: measured }, failures }];
      }),
    );
  };
}
