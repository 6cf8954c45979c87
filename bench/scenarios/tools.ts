import type { Backend } from '../backend.ts';
import { settle, type Outcome } from '../contenders/contender.ts';

/**
 * Waits for every call, or for `timeoutMs`: a contender that hangs is a finding, not a reason to hang
 * the whole run. Unsettled calls count as status -1; a failure says so.
 *
 * @example
 * const outcomes = await settleAll(calls, 30_000, failures);
 */
export async function settleAll(calls: Promise<Outcome>[], timeoutMs: number, failures: string[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = calls.map(() => ({ status: -1, body: '', error: 'still pending' }));
  const all = Promise.all(calls.map((call, index) => settle(call).then((outcome) => (outcomes[index] = outcome))));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  if ((await Promise.race([all, timeout])) === 'timeout') failures.push(`calls still pending after ${timeoutMs / 1000} s`);
  clearTimeout(timer);
  return outcomes;
}

/**
 * How `outcomes` ended, for a failure message: counts by status and the first distinct rejections.
 *
 * @example
 * describeOutcomes(outcomes); // '999×200, 1×rejected [TypeError: fetch failed]'
 */
export function describeOutcomes(outcomes: readonly Outcome[]): string {
  const counts = new Map<number, number>();
  for (const { status } of outcomes) counts.set(status, (counts.get(status) ?? 0) + 1);
  const label = (status: number) => (status === 0 ? 'rejected' : status === -1 ? 'pending' : status);
  const errors = [...new Set(outcomes.flatMap((o) => (o.error ? [o.error.slice(0, 140)] : [])))].slice(0, 2);
  return [...counts].map(([status, n]) => `${n}×${label(status)}`).join(', ') + errors.map((e) => ` [${e}]`).join('');
}

/**
 * Polls the backend until `predicate` holds of its counters, every `everyMs`.
 *
 * @example
 * await untilStats(backend, (s) => s.reauthCalls >= 1, 10_000);
 */
export async function untilStats(
  backend: Backend,
  predicate: (stats: Awaited<ReturnType<Backend['stats']>>) => boolean,
  timeoutMs: number,
  everyMs = 10,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (predicate(await backend.stats())) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`the backend never reached the expected state within ${timeoutMs} ms`);
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
  let last = -1;
  let since = performance.now();
  const quiet = ({ apiRequests }: { apiRequests: number }) => {
    if (apiRequests !== last) [last, since] = [apiRequests, performance.now()];
    return performance.now() - since >= quietMs;
  };
  await untilStats(backend, quiet, timeoutMs, 25).catch(() => Promise.reject(new Error(`the client kept sending for ${timeoutMs} ms`)));
}
