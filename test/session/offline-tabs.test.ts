/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { selectWaitingForNetwork } from '../../src/lib/session/selectors.ts';
import { track } from '../support/outcomes.ts';

const layer = layerOnFakeBackend();
const { backend } = layer;

// A probe asks whether the backend is back: a yes a tab heard before the network went is no answer to it.
describe('offline, with the tabs sharing validation answers', () => {
  it('keeps the calls made offline unsent when the network goes again within answerTtlMs of a good probe', async () => {
    const tabs = layer.tabs();
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
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(generate.settled).toBe(false); // not sent into the dead network, where it would fail
    expect(client.actor.getSnapshot().matches('offline')).toBe(true);

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
    const tabs = layer.tabs({ session: { limits: { validationTimeoutMs: 500, validationBackoffMs: 100 } } });
    const slow = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 700));
    const two = [tabs.open({ validate: slow }), tabs.open({ validate: slow })];
    const saidOffline = two.map(() => false);
    const watching = two.map((tab, i) =>
      tab.client.actor.subscribe((s) => {
        if (selectWaitingForNetwork(s)) saidOffline[i] = true;
      }),
    );
    backend.valid.delete('t1'); // a 401 in each tab; the slow check still says yes
    const calls = two.map((tab) => track(tab.client.authFetch(`${API}/api/tab${tab.index}`)));
    await Promise.all(two.map((tab) => waitFor(tab.client.actor, (s) => s.matches({ offline: 'confirming' }))));
    backend.valid.add('t1');
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
