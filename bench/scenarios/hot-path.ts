import { collectGarbage, describeCounts, pool, statusCounts } from './tools.ts';
import type { HotPathData, Scenario } from './types.ts';

/**
 * S1 and S2: `requests` GETs with a valid token, `concurrency` at a time;
 * wall time and the client's CPU time.
 *
 * @example
 * const s1 = hotPath(2_000, 1); const { data } = await s1(context);
 */
export function hotPath(requests: number, concurrency: number): Scenario<HotPathData> {
  return async ({ backend, contender, tokens }) => {
    tokens.set(await backend.issueToken());
    // Start from a clean heap so that one contender does not pay for the previous one's garbage.
    await collectGarbage();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const outcomes = await pool(requests, concurrency, () => contender.get('/api/item'));
    const wallMs = performance.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    const ok = outcomes.filter((o) => o.status === 200).length;
    const failures = ok === requests ? [] : [`${ok}/${requests} ended 200 (${describeCounts(statusCounts(outcomes))})`];
    return { data: { requests, ok, wallMs, cpuMs: (user + system) / 1000 }, failures };
  };
}
