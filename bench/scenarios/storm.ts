import { describeOutcomes, drain, withDeadToken, type Scenario, type StormData } from './scenario.ts';

/**
 * S3 and S3e: the token dies, then `requests` GETs fire at once. A correct client asks for one
 * re-auth (one popup) and ends every call 200. S3, `revoked`: the server stopped accepting the token
 * an hour before its `exp` (clock skew, a rotated key, a revoked session), so a client learns it from
 * the 401s alone. S3e, `lapsed`: its `exp` has passed, the everyday case of a short-lived JWT: a
 * client that reads `exp` can know before it sends.
 *
 * @example
 * const { data, failures } = await storm(1_000, 'lapsed')(context);
 */
export function storm(requests: number, expiry: 'revoked' | 'lapsed'): Scenario<StormData> {
  return async (context) => {
    const { backend, contender } = context;
    await withDeadToken(context, expiry);
    const { outcomes, drainMs, failures } = await drain(() => Array.from({ length: requests }, () => contender.get('/api/item')), 30_000);
    const { validateCalls, reauthCalls, staleApiRequests } = await backend.stats();
    const ok = outcomes.filter((o) => o.status === 200).length;
    if (reauthCalls !== 1) failures.push(`${reauthCalls} re-auths (popups) for one expiry`);
    if (ok !== requests) failures.push(`${ok}/${requests} ended 200 (${describeOutcomes(outcomes)})`);
    return { data: { requests, ok, validateCalls, reauthCalls, staleApiRequests, drainMs }, failures };
  };
}
