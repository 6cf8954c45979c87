import { collectGarbage, describeCounts, firstErrors, settleAll, statusCounts, untilQuiet, untilStats } from './tools.ts';
import type { Outcome } from '../contenders/index.ts';
import type { HeldData, Scenario } from './types.ts';

/** The heap in use after a full collection. */
async function heapAfterGc(): Promise<number> {
  await collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * S4: after an expiry, `count` requests are made while the user has not
 * reconnected yet (authFetch: the banner shows and nobody has pressed it;
 * the anchors: their refresh is out and the popup stays open). Measures the
 * heap each held request costs and the requests sent meanwhile, then lets the
 * user finish and times the drain.
 *
 * The heap is read after a full GC three times: before the calls, while they
 * are held, and after the drain once the calls are let go. Per held request it
 * reports the larger of the two differences (held − before, held − after): one
 * reading alone moves with whatever else the process frees or keeps in the
 * window (once −406 B per held call: 4 MB of something else freed meanwhile).
 *
 * @example
 * const { data } = await held(10_000)(context);
 */
export function held(count: number): Scenario<HeldData> {
  return async ({ backend, contender, tokens }) => {
    const { user } = contender;
    tokens.set(await backend.issueToken());
    await backend.expireTokens();
    await backend.resetStats();
    await backend.setReauthGate(true);
    user?.setAutoReconnect(false);
    try {
      // One request finds out that the token expired; then the session waits for the user.
      let first: Promise<Outcome> | null = contender.get('/api/item');
      if (user) await user.whenHolding(1, 10_000);
      else await untilStats(backend, (stats) => stats.reauthCalls >= 1, 10_000);
      await untilQuiet(backend, 150, 10_000);

      const calls = new Array<Promise<Outcome>>(count);
      const heapBefore = await heapAfterGc();
      const before = await backend.stats();
      for (let index = 0; index < count; index++) calls[index] = contender.get('/api/item');
      if (user) await user.whenHolding(count + 1, 20_000);
      await untilQuiet(backend, 200, 20_000);
      const during = await backend.stats();
      const heapHeld = await heapAfterGc();
      const sentWhileHeld = during.apiRequests - before.apiRequests;

      const started = performance.now();
      await backend.setReauthGate(false);
      user?.reconnect();
      const { outcomes, timedOut } = await settleAll([first, ...calls], 60_000);
      const drainMs = performance.now() - started;
      const after = await backend.stats();

      const ok = outcomes.filter((o) => o.status === 200).length;
      const failures: string[] = [];
      if (sentWhileHeld !== 0) failures.push(`${sentWhileHeld} of ${count} requests sent while re-auth was pending`);
      if (timedOut) failures.push('calls still pending 60 s after reconnect');
      if (ok !== count + 1) {
        const errors = firstErrors(outcomes).map((e) => ` [${e}]`).join('');
        failures.push(`${ok}/${count + 1} ended 200 after reconnect (${describeCounts(statusCounts(outcomes))})${errors}`);
      }
      if (after.reauthCalls !== 1) failures.push(`${after.reauthCalls} re-auths (popups) for one expiry`);
      // Let the calls and their answers go, so that the last reading holds neither.
      first = null;
      calls.length = 0;
      outcomes.length = 0;
      const heapLetGo = await heapAfterGc();
      const bytesPerHeld = Math.max(heapHeld - heapBefore, heapHeld - heapLetGo) / count;
      return { data: { held: count, bytesPerHeld, sentWhileHeld, ok, reauthCalls: after.reauthCalls, drainMs }, failures };
    } finally {
      await backend.setReauthGate(false);
    }
  };
}
