/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { selectWaitingForNetwork } from '../../src/lib/session/selectors.ts';
import { track } from '../support/outcomes.ts';
import { reportNotes, type Tab } from '../support/tabs.ts';

const layer = layerOnFakeBackend();
const { backend } = layer;

// A probe asks whether the backend is back: a yes a tab heard before the network went is no answer to it.
describe('offline, with the tabs sharing validation answers', () => {
  it('keeps the calls made offline unsent when the network goes again within answerTtlMs of a good probe', async () => {
    const clock = new SimulatedClock(); // the backoff passes when told, and the shared yes stays within answerTtlMs
    const tabs = layer.tabs({ session: { clock } });
    const { client } = tabs.open();
    // A first short outage: the probe finds the backend, and its yes is shared for answerTtlMs.
    client.actor.send({ type: 'network.offline' });
    client.actor.send({ type: 'network.online' });
    await waitFor(client.actor, (s) => s.matches('active'));
    expect(tabs.meCalls).toHaveLength(1);

    // The flaky network goes again a moment later: a call finds it gone.
    backend.network.down = true;
    await expect(client.authFetch(`${API}/api/credits`, { method: 'POST' })).rejects.toBeInstanceOf(TypeError);
    expect(client.actor.getSnapshot().matches('offline')).toBe(true);
    const generate = track(client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{}' }));

    // The first probe, after validationBackoffMs (1 s): the backend is still unreachable.
    clock.increment(1_000);
    expect(client.actor.getSnapshot().matches({ offline: 'probing' })).toBe(true);
    await waitFor(client.actor, (s) => !s.matches({ offline: 'probing' }));
    expect(tabs.meCalls).toHaveLength(2); // the backend asked, not the yes from before the network went
    expect(client.actor.getSnapshot().matches('offline')).toBe(true);
    expect(generate.settled).toBe(false); // not sent into the dead network, where it would fail

    backend.network.down = false;
    client.actor.send({ type: 'network.online' });
    await waitFor(client.actor, (s) => s.matches('active'));
    await vi.waitFor(() => expect(generate.settled).toBe(true));
    expect(generate.value?.status).toBe(200);
  });
});

// A backend slower than the first time limit, but within the longer one its confirming probe gets (decision 0007).
describe('a check past its first time limit in several tabs', () => {
  it('lets every tab go on the answer one tab got while the others waited: none says it is offline', async () => {
    // A tenth of the defaults: the first limit 500 ms, the confirming probe's 1 s; /auth/me answers in 700 ms.
    // On a simulated clock: a loaded machine must not turn "past the first limit" into "past the second".
    const clock = new SimulatedClock();
    const tabs = layer.tabs({ session: { clock, limits: { validationTimeoutMs: 500, validationBackoffMs: 100 } } });
    const backendSays: Array<(valid: boolean) => void> = [];
    const slow = () => new Promise<boolean>((resolve) => backendSays.push(resolve));
    const two = [tabs.open({ validate: slow }), tabs.open({ validate: slow })];
    const saidOffline = two.map(() => false);
    const watching = two.map((tab, i) =>
      tab.client.actor.subscribe((s) => {
        if (selectWaitingForNetwork(s)) saidOffline[i] = true;
      }),
    );
    backend.valid.delete('t1'); // a 401 in each tab; the slow check still says yes
    const calls = two.map((tab) => track(tab.client.authFetch(`${API}/api/tab${tab.index}`)));
    await Promise.all(two.map((tab) => waitFor(tab.client.actor, (s) => s.matches('validating'))));
    await vi.waitFor(() => expect(backendSays).toHaveLength(1)); // by one tab, the other waiting behind it
    clock.increment(500); // the first limit: slow or gone, none can tell yet
    clock.increment(100); // the backoff: a probe given 1 s
    await Promise.all(two.map((tab) => waitFor(tab.client.actor, (s) => s.matches({ offline: 'confirming' }))));
    backend.valid.add('t1');
    await vi.waitFor(() => expect(backendSays).toHaveLength(2));
    clock.increment(700); // the backend's yes 700 ms into the probe, within its limit; the other tab's probe takes it
    backendSays[1]!(true);
    await Promise.all(two.map((tab) => waitFor(tab.client.actor, (s) => s.matches('active') || selectWaitingForNetwork(s))));
    for (const w of watching) w.unsubscribe();
    expect(saidOffline).toEqual([false, false]);
    await vi.waitFor(() => expect(calls.map((c) => c.value?.status)).toEqual([200, 200]));
  });

  it("keeps a tab offline whose probe finds another tab's no from before: a rejected token says nothing of the network now", async () => {
    const tabs = layer.tabs();
    const [first, second] = [tabs.open(), tabs.open()];
    backend.valid.delete('t1');
    first.client.authFetch(`${API}/api/a`).catch(() => {});
    await waitFor(first.client.actor, (s) => s.matches('needsReauth'));

    // The second tab has not met the 401 yet when the network goes: its probe finds the first tab's no, shared.
    backend.network.down = true;
    await expect(second.client.authFetch(`${API}/api/b`, { method: 'POST' })).rejects.toBeInstanceOf(TypeError);
    second.client.actor.send({ type: 'user.active' });
    await waitFor(second.client.actor, (s) => s.matches({ offline: 'waiting' }) && tabs.meCalls.length === 2);
    expect(selectWaitingForNetwork(second.client.actor.getSnapshot())).toBe(true);
  });
});

// A tab holding offline waits out its backoff (up to a minute) unless told: another tab that hears the backend tells it.
describe("another tab's answer from the backend, in a tab holding calls offline", () => {
  // Backoffs of a minute: a tab that goes on before one ends was told.
  const minuteBackoff = { validationBackoffMs: 60_000 };

  /** Each tab meets the network gone with a write (it rejects, as fetch did), then holds its own call offline. */
  async function offlineWithHeldCalls(open: Tab[]) {
    backend.network.down = true;
    for (const tab of open) await expect(tab.client.authFetch(`${API}/api/write`, { method: 'POST' })).rejects.toBeInstanceOf(TypeError);
    const held = open.map((tab) => track(tab.client.authFetch(`${API}/api/tab${tab.index}`)));
    await Promise.all(open.map((tab) => waitFor(tab.client.actor, (s) => s.matches({ offline: 'waiting' }))));
    return held;
  }

  it('sends the calls a tab holds offline once another tab finds the backend back, not after its own backoff', async () => {
    const tabs = layer.tabs({ session: { limits: minuteBackoff } });
    const [first, second] = [tabs.open(), tabs.open()];
    const held = await offlineWithHeldCalls([first, second]);

    backend.network.down = false;
    first.client.actor.send({ type: 'user.active' }); // someone uses the first tab: its probe finds the backend
    await waitFor(first.client.actor, (s) => s.matches('active'));
    await waitFor(second.client.actor, (s) => s.matches('active'), { timeout: 2_000 });
    await vi.waitFor(() => expect(held.map((call) => call.value?.status)).toEqual([200, 200]));
  });

  it('asks again at once in a tab whose check outlived its first limit, once another tab hears the backend', async () => {
    const tabs = layer.tabs({ session: { limits: { ...minuteBackoff, validationTimeoutMs: 300 } } });
    const slow = { hang: true };
    const validate = async (token: string | null) => (slow.hang ? new Promise<boolean>(() => {}) : backend.valid.has(token ?? ''));
    const two = [tabs.open({ validate }), tabs.open({ validate })];
    backend.valid.delete('t1'); // a 401 in each tab, whose check then hangs past its first limit
    const calls = two.map((tab) => track(tab.client.authFetch(`${API}/api/tab${tab.index}`)));
    await Promise.all(two.map((tab) => waitFor(tab.client.actor, (s) => s.matches({ offline: 'unconfirmed' }))));

    slow.hang = false;
    backend.valid.add('t1');
    two[0]!.client.actor.send({ type: 'network.online' });
    await waitFor(two[0]!.client.actor, (s) => s.matches('active'));
    await waitFor(two[1]!.client.actor, (s) => s.matches('active'), { timeout: 2_000 });
    await vi.waitFor(() => expect(calls.map((call) => call.value?.status)).toEqual([200, 200]));
  });

  it("takes a tab holding offline to the banner when another tab's probe meets a 401: its own check says so, its calls still held", async () => {
    const tabs = layer.tabs({ session: { limits: minuteBackoff } });
    const [first, second] = [tabs.open(), tabs.open()];
    const held = await offlineWithHeldCalls([first, second]);

    backend.valid.delete('t1'); // the token ended while the network was gone
    backend.network.down = false;
    first.client.actor.send({ type: 'user.active' });
    await waitFor(first.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    await waitFor(second.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    expect(held.map((call) => call.settled)).toEqual([false, false]);

    // The usual way back: Reconnect in one tab, and both send what they held with the new token.
    first.client.reconnect();
    backend.valid.add('t2');
    await vi.waitFor(() => expect(tabs.popups).toHaveLength(1));
    tabs.popups[0]!.resolve('t2');
    await vi.waitFor(() => expect(held.map((call) => call.value?.status)).toEqual([200, 200]));
  });

  it('checks at most once in each told tab, one tab at a time: four tabs back do not all ask the backend at once', async () => {
    const tabs = layer.tabs({ session: { limits: minuteBackoff } });
    let out = 0;
    let mostOut = 0;
    const validate = async (token: string | null) => {
      mostOut = Math.max(mostOut, ++out);
      try {
        return (await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` } })).ok;
      } finally {
        out--;
      }
    };
    const four = [0, 1, 2, 3].map(() => tabs.open({ validate }));
    const held = await offlineWithHeldCalls(four);

    backend.network.down = false;
    four[0]!.client.actor.send({ type: 'user.active' });
    await Promise.all(four.map((tab) => waitFor(tab.client.actor, (s) => s.matches('active'), { timeout: 2_000 })));
    await vi.waitFor(() => expect(held.every((call) => call.value?.status === 200)).toBe(true));
    for (const tab of four) expect(tabs.meCalls.filter((call) => call === `tab ${tab.index}`).length).toBeLessThanOrEqual(1);
    expect(mostOut).toBe(1);
    // Each tab hears every other's word: a line in its report only where it moved the session.
    expect(reportNotes(four[0]!).filter((line) => line.startsWith('backend.answeredElsewhere'))).toEqual([]);
    expect(reportNotes(four[1]!)).toContain('backend.answeredElsewhere');
  });
});
