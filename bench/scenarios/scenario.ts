/** What every scenario gets and gives back, and the tools they share: a scenario differs from another by its steps alone. */
import type { Backend } from '../backend.ts';
import type { Contender, Outcome, TokenStore } from '../contenders/contender.ts';

/** Everything a scenario gets: a fresh contender, its token store and the backend. */
export interface ScenarioContext {
  backend: Backend;
  contender: Contender;
  tokens: TokenStore;
}

/** What one run of a scenario measured, and the failures a user would notice (lost requests, extra popups, bodies lost). */
export interface Measured<T> {
  data: T;
  failures: string[];
}

/** A scenario: runs once for one contender. */
export type Scenario<T> = (context: ScenarioContext) => Promise<Measured<T>>;

/** S3/S3e, a storm; `staleApiRequests`: those that reached the API with the dead token (answered 401). */
export type StormData = Record<'requests' | 'ok' | 'validateCalls' | 'reauthCalls' | 'staleApiRequests' | 'drainMs', number>;

/** S4, held requests; `sentWhileHeld`: API requests sent before the user reconnected (a correct client: 0). */
export type HeldData = Record<'held' | 'sentWhileHeld' | 'ok' | 'reauthCalls' | 'drainMs', number>;

/** S5, POST bodies across an expiry; `identical`: those echoed byte-identical. */
export type BodiesData = Record<'requests' | 'identical' | 'reauthCalls' | 'drainMs', number>;

/** Turns a rejection into an Outcome, so that one failed call is counted, not fatal. */
const settle = (call: Promise<Outcome>): Promise<Outcome> =>
  call.catch((error: unknown) => ({
    status: 0,
    body: '',
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  }));

/**
 * Makes the calls and waits for every one, or for `timeoutMs`: a contender that hangs is a finding, not a
 * reason to hang the whole run. Unsettled calls count as status -1, and a failure says so. The drain is
 * timed from before `makeCalls` to the last answer.
 *
 * @example
 * const { outcomes, drainMs, failures } = await drain(() => paths.map((path) => contender.get(path)), 30_000);
 */
export async function drain(makeCalls: () => Promise<Outcome>[] | Promise<Promise<Outcome>[]>, timeoutMs: number) {
  const started = performance.now();
  const calls = await makeCalls();
  const failures: string[] = [];
  const outcomes: Outcome[] = calls.map(() => ({ status: -1, body: '', error: 'still pending' }));
  const all = Promise.all(calls.map((call, index) => settle(call).then((outcome) => (outcomes[index] = outcome))));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  if ((await Promise.race([all, timeout])) === 'timeout') failures.push(`calls still pending after ${timeoutMs / 1000} s`);
  clearTimeout(timer);
  return { outcomes, drainMs: performance.now() - started, failures };
}

/** Gives the contender a dead token (`revoked`: refused before its `exp`; `lapsed`: past it) and zeroes the backend's counters. */
export async function withDeadToken({ backend, tokens }: ScenarioContext, expiry: 'revoked' | 'lapsed' = 'revoked'): Promise<void> {
  tokens.set(expiry === 'lapsed' ? await backend.issueLapsedToken() : await backend.issueToken());
  if (expiry === 'revoked') await backend.expireTokens();
  await backend.resetStats();
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

/** Polls the backend until `predicate` holds of its counters, every `everyMs`. */
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
 * Resolves once the backend has seen no new API request for `quietMs`: the client has sent everything it is going
 * to send for now. A benchmark has no event for "a library decided to wait", so silence is the signal.
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
