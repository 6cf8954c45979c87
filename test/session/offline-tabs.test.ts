/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
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
