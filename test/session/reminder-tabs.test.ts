/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { layerOnFakeBackend } from '../support/layer-fixture.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const layer = layerOnFakeBackend();

describe("the notice's Not now, across tabs", () => {
  it('reaches a background tab whose notice is due but not yet shown: it does not show there later', async () => {
    const tabs = layer.tabs();
    // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
    tabs.storage.token = unsignedJwt({ exp: Date.now() / 1000 + 90 });
    const [shown, background] = [tabs.open(), tabs.open()];
    await Promise.all([shown, background].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    // The person uses the first tab only: its notice shows; the background tab's waits for a sign of use.
    shown.client.actor.send({ type: 'user.active' });
    expect(shown.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
    shown.sync.dismissReminder(); // "Not now", for every tab
    // The channel's message reaches the other tab, and its chart takes the event.
    await vi.waitFor(() => expect(background.client.report().entries.map((e) => e.event)).toContain('reminder.dismissed'));

    // The person switches to the background tab and moves the mouse: the notice they closed must not come back.
    background.client.actor.send({ type: 'user.active' });
    expect(background.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);
  });
});
