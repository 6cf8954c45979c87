/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { API, handAnsweredSession } from '../support/hand-answered-session.ts';
import { callOutcome } from './support/call-outcome.ts';

/**
 * Found by review: stop() sent the chart `session.ended` and stopped it at once. Called while the chart
 * was busy with an event (from a subscriber, or from validate, which the chart starts mid-transition),
 * the end waited in the chart's mailbox and stopping threw it away: no held call was rejected, and a
 * call out at that moment, answered 401 later, was held by a stopped chart. Both waited forever.
 */
describe('stop() while the chart is busy with an event', () => {
  it('from a subscriber: every held call and every call out then rejects with AuthExpiredError', async () => {
    const { client, sends } = handAnsweredSession({ validate: async () => false });
    // An app without Reconnect ends the session when it expires, from its subscription to the chart.
    client.actor.subscribe((snapshot) => {
      if (snapshot.matches('needsReauth')) client.stop();
    });
    const held = client.authFetch(`${API}/api/held`);
    const inFlight = client.authFetch(`${API}/api/in-flight`);
    // Read from now on: it rejects at stop(), before the call out is answered.
    const heldOutcome = callOutcome(held);
    sends[0]!.answer(401);
    await vi.waitUntil(() => client.actor.getSnapshot().status === 'done');
    sends[1]!.answer(401);
    expect([await heldOutcome, await callOutcome(inFlight)]).toEqual(['AuthExpiredError', 'AuthExpiredError']);
    expect(sends).toHaveLength(2);
  });

  it('from validate: the held call rejects and the chart stops', async () => {
    let stop = () => {};
    const { client, sends } = handAnsweredSession({
      validate: () => {
        stop();
        return new Promise<boolean>(() => {});
      },
    });
    stop = client.stop;
    const held = client.authFetch(`${API}/api/held`);
    sends[0]!.answer(401);
    expect(await callOutcome(held)).toBe('AuthExpiredError');
    expect(client.actor.getSnapshot().status).toBe('done');
    expect(sends).toHaveLength(1);
  });
});
