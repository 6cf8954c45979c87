import { describeOutcomes, settleAll } from './tools.ts';
import type { BodiesData, Scenario } from './types.ts';

/**
 * A distinct JSON body of 40 B to ~4 KB with non-ASCII text, reproducible
 * from its index (a replay that mixes bodies up shows).
 *
 * @example
 * makeBody(7); // '{"n":7,"note":"ünïcødé ✓ 7 …","pad":"…"}'
 */
export function makeBody(index: number): string {
  const pad = 'qs-'.repeat((index * 37) % 1300);
  return JSON.stringify({ n: index, note: `ünïcødé ✓ ${index} ${'★'.repeat(index % 5)}`, pad });
}

/**
 * S5: the token expires, then `requests` POSTs with distinct bodies fire at
 * once; every body must come back from the echo endpoint byte-identical.
 *
 * @example
 * const { data } = await bodies(200)(context);
 */
export function bodies(requests: number): Scenario<BodiesData> {
  return async ({ backend, contender, tokens }) => {
    tokens.set(await backend.issueToken());
    await backend.expireTokens();
    await backend.resetStats();
    const sent = Array.from({ length: requests }, (_, index) => makeBody(index));
    const failures: string[] = [];
    const started = performance.now();
    const outcomes = await settleAll(
      sent.map((body) => contender.post('/api/echo', body)),
      30_000,
      failures,
    );
    const drainMs = performance.now() - started;
    const { reauthCalls } = await backend.stats();
    const identical = outcomes.filter((o, index) => o.status === 200 && o.body === sent[index]).length;
    if (identical !== requests) {
      const wrong = outcomes.filter((o, index) => o.status === 200 && o.body !== sent[index]).length;
      failures.push(
        `${identical}/${requests} bodies echoed byte-identical (${describeOutcomes(outcomes)}; ${wrong} answered 200 with another body)`,
      );
    }
    if (reauthCalls !== 1) failures.push(`${reauthCalls} re-auths (popups) for one expiry`);
    return { data: { requests, identical, reauthCalls, drainMs }, failures };
  };
}
