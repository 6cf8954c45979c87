import type { Backend } from '../backend.ts';
import { settle, type Outcome } from '../contenders/index.ts';

/**
 * Full collections until the heap settles, when the process runs with
 * --expose-gc (otherwise nothing, and heap numbers are noise). Several passes
 * with a turn of the event loop between them, because undici frees response
 * bodies through a FinalizationRegistry, whose callbacks run only after a GC.
 *
 * @example
 * await collectGarbage(); const before = process.memoryUsage().heapUsed;
 */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  for (let pass = 0; pass < 3; pass++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Runs `count` calls with at most `concurrency` in flight, and settles each.
 *
 * @example
 * const outcomes = await pool(2_000, 100, () => contender.get('/api/item'));
 */
export async function pool(count: number, concurrency: number, call: (index: number) => Promise<Outcome>): Promise<Outcome[]> {
  const outcomes = new Array<Outcome>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      outcomes[index] = await settle(call(index));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return outcomes;
}

/**
 * Waits for every call, or for `timeoutMs`: a contender that hangs is a
 * finding, not a reason to hang the whole run. Unsettled calls count as
 * status -1.
 *
 * @example
 * const { outcomes, timedOut } = await settleAll(calls, 30_000);
 */
export async function settleAll(calls: Promise<Outcome>[], timeoutMs: number): Promise<{ outcomes: Outcome[]; timedOut: boolean }> {
  const outcomes: Outcome[] = calls.map(() => ({ status: -1, body: '', error: 'still pending' }));
  const all = Promise.all(calls.map((call, index) => settle(call).then((outcome) => (outcomes[index] = outcome))));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const winner = await Promise.race([all.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  return { outcomes, timedOut: winner === 'timeout' };
}

/**
 * Counts outcomes by status, e.g. `{ 200: 999, 401: 1 }` (0 = rejected, -1 = still pending).
 *
 * @example
 * statusCounts(outcomes); // { '200': 1000 }
 */
export function statusCounts(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status } of outcomes) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/**
 * How a batch of calls ended, for failure messages.
 *
 * @example
 * describeCounts({ 200: 999, 401: 1 }); // '999×200, 1×401'
 */
export function describeCounts(counts: Record<string, number>): string {
  const label = (status: string) => (status === '0' ? 'rejected' : status === '-1' ? 'pending' : status);
  return Object.entries(counts)
    .map(([status, n]) => `${n}×${label(status)}`)
    .join(', ');
}

/**
 * The first distinct rejection messages, so a failure says what the caller saw.
 *
 * @example
 * firstErrors(outcomes); // ['TypeError: fetch failed']
 */
export function firstErrors(outcomes: readonly Outcome[], max = 2): string[] {
  return [...new Set(outcomes.flatMap((o) => (o.error ? [o.error.slice(0, 140)] : [])))].slice(0, max);
}

/**
 * Resolves once the backend has seen no new API request for `quietMs`: the
 * client has sent everything it is going to send for now. A benchmark has
 * no event for "a library decided to wait", so silence is the signal.
 *
 * @example
 * await untilQuiet(backend, 200, 20_000);
 */
export async function untilQuiet(backend: Backend, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = -1;
  let since = performance.now();
  while (performance.now() < deadline) {
    const { apiRequests } = await backend.stats();
    if (apiRequests !== last) {
      last = apiRequests;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the client kept sending for ${timeoutMs} ms`);
}

/**
 * Polls the backend until `predicate` holds (used to see a refresh reach the gated popup).
 *
 * @example
 * await untilStats(backend, (s) => s.reauthCalls >= 1, 10_000);
 */
export async function untilStats(
  backend: Backend,
  predicate: (stats: Awaited<ReturnType<Backend['stats']>>) => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (predicate(await backend.stats())) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`backend never reached the expected state within ${timeoutMs} ms`);
}
