import { describeOutcomes, drain, withDeadToken, type BodiesData, type Scenario } from './scenario.ts';

/** A distinct JSON body of 40 B to ~4 KB with non-ASCII text, reproducible from its index (a replay that mixes bodies up shows). */
const makeBody = (index: number) =>
  JSON.stringify({ n: index, note: `ünïcødé ✓ ${index} ${'★'.repeat(index % 5)}`, pad: 'qs-'.repeat((index * 37) % 1300) });

/** S5: the token expires, then `requests` POSTs with distinct bodies fire at once; each must come back from the echo byte-identical. */
export function bodies(requests: number): Scenario<BodiesData> {
  return async (context) => {
    const { backend, contender } = context;
    await withDeadToken(context);
    const sent = Array.from({ length: requests }, (_, index) => makeBody(index));
    const { outcomes, drainMs, failures } = await drain(() => sent.map((body) => contender.post('/api/echo', body)), 30_000);
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
