import { describeCounts, firstErrors, settleAll, statusCounts } from './tools.ts';
import type { Scenario, StormData } from './types.ts';

/**
 * How the token died before the storm. `revoked`: the server stopped accepting it an hour before its
 * `exp` (clock skew, a rotated key, a revoked session), so a client learns it from the 401s alone.
 * `lapsed`: its `exp` has passed, the everyday case of a short-lived JWT: a client that reads `exp`
 * can know before it sends.
 */
export type StormExpiry = 'revoked' | 'lapsed';

/**
 * S3 (`revoked`) and S3e (`lapsed`): the token dies, then `requests` GETs fire at once.
 * A correct client asks for one re-auth (one popup) and ends every call 200.
 *
 * @example
 * const { data, failures } = await storm(1_000, 'lapsed')(context);
 */
export function storm(requests: number, expiry: StormExpiry): Scenario<StormData> {
  return async ({ backend, contender, tokens }) => {
    if (expiry === 'lapsed') {
      tokens.set(await backend.issueLapsedToken());
    } else {
      tokens.set(await backend.issueToken());
      await backend.expireTokens();
    }
    await backend.resetStats();
    const started = performance.now();
    const calls = Array.from({ length: requests }, () => contender.get('/api/item'));
    const { outcomes, timedOut } = await settleAll(calls, 30_000);
    const drainMs = performance.now() - started;
    const stats = await backend.stats();
    const ok = outcomes.filter((o) => o.status === 200).length;
    const failures: string[] = [];
    if (timedOut) failures.push('calls still pending after 30 s');
    if (stats.reauthCalls !== 1) failures.push(`${stats.reauthCalls} re-auths (popups) for one expiry`);
    if (ok !== requests) {
      const errors = firstErrors(outcomes).map((e) => ` [${e}]`).join('');
      failures.push(`${ok}/${requests} ended 200 (${describeCounts(statusCounts(outcomes))})${errors}`);
    }
    return {
      data: { requests, ok, validateCalls: stats.validateCalls, reauthCalls: stats.reauthCalls, staleApiRequests: stats.staleApiRequests, drainMs },
      failures,
    };
  };
}
