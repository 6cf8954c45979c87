import { describeOutcomes, drain, untilQuiet, untilStats, withDeadToken, type HeldData, type Scenario } from './scenario.ts';

/**
 * S4: after an expiry, `count` requests are made while the user has not reconnected yet (authFetch: the
 * banner shows, nobody has pressed it; the anchors: their refresh is out, the popup stays open). Counts
 * the requests sent meanwhile (a correct client sends none), then lets the user finish and times the
 * drain. The heap a held request takes is measured apart, on a stub fetch (micro.ts).
 */
export function held(count: number): Scenario<HeldData> {
  return async (context) => {
    const { backend, contender } = context;
    const { user } = contender;
    await withDeadToken(context);
    await backend.setReauthGate(true);
    user?.setAutoReconnect(false);
    try {
      // One request finds out that the token expired; then the session waits for the user.
      const first = contender.get('/api/item');
      if (user) await user.whenHolding(1, 10_000);
      else await untilStats(backend, (stats) => stats.reauthCalls >= 1, 10_000);
      await untilQuiet(backend, 150, 10_000);

      const before = await backend.stats();
      const calls = [first, ...Array.from({ length: count }, () => contender.get('/api/item'))];
      if (user) await user.whenHolding(count + 1, 20_000);
      await untilQuiet(backend, 200, 20_000);
      const sentWhileHeld = (await backend.stats()).apiRequests - before.apiRequests;

      const { outcomes, drainMs, failures } = await drain(async () => {
        await backend.setReauthGate(false);
        user?.reconnect();
        return calls;
      }, 60_000);
      const { reauthCalls } = await backend.stats();

      const ok = outcomes.filter((o) => o.status === 200).length;
      if (sentWhileHeld !== 0) failures.push(`${sentWhileHeld} of ${count} requests sent while re-auth was pending`);
      if (ok !== count + 1) failures.push(`${ok}/${count + 1} ended 200 after reconnect (${describeOutcomes(outcomes)})`);
      if (reauthCalls !== 1) failures.push(`${reauthCalls} re-auths (popups) for one expiry`);
      return { data: { held: count, sentWhileHeld, ok, reauthCalls, drainMs }, failures };
    } finally {
      await backend.setReauthGate(false);
    }
  };
}
