/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { layerOnFakeBackend } from '../support/layer-fixture.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const layer = layerOnFakeBackend();

describe("another tab's word while this tab checks its token", () => {
  it('Not now said meanwhile holds here once the check is done: the notice does not come back', async () => {
    const tabs = layer.tabs();
    // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
    tabs.storage.token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 90, iat: Math.floor(Date.now() / 1000) - 600 });
    let answer!: (valid: boolean) => void;
    const shown = tabs.open();
    const checking = tabs.open({ validate: () => new Promise<boolean>((resolve) => (answer = resolve)) });
    await Promise.all([shown, checking].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    shown.client.actor.send({ type: 'user.active' });
    expect(shown.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
    // The other tab asks the backend about the token (a 401 there), slowly.
    checking.client.actor.send({ type: 'token.rejected' });
    await vi.waitFor(() => expect(answer).toBeTypeOf('function'));
    expect(checking.client.actor.getSnapshot().matches('validating')).toBe(true);

    shown.sync.dismissReminder(); // "Not now", for every tab
    await vi.waitFor(() => expect(checking.client.report().entries.map((e) => e.event)).toContain('reminder.dismissed'));
    answer(true);
    await waitFor(checking.client.actor, (s) => s.matches('active'));
    await new Promise((resolve) => setTimeout(resolve, 10)); // the notice's timer, due at once
    checking.client.actor.send({ type: 'user.active' });
    expect(checking.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);
  });

  it("another tab's popup opened meanwhile: no Stay signed in here once the check is done", async () => {
    const tabs = layer.tabs();
    tabs.storage.token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 90, iat: Math.floor(Date.now() / 1000) - 600 });
    let answer!: (valid: boolean) => void;
    const shown = tabs.open();
    const checking = tabs.open({ validate: () => new Promise<boolean>((resolve) => (answer = resolve)) });
    await Promise.all([shown, checking].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    shown.client.actor.send({ type: 'user.active' });
    checking.client.actor.send({ type: 'token.rejected' });
    await vi.waitFor(() => expect(answer).toBeTypeOf('function'));

    shown.client.reconnect(); // "Stay signed in": the popup opens in the first tab
    await vi.waitFor(() => expect(checking.client.report().entries.map((e) => e.event)).toContain('reauth.startedElsewhere'));
    answer(true);
    await waitFor(checking.client.actor, (s) => s.matches('active'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    checking.client.actor.send({ type: 'user.active' });
    expect(checking.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);
  });
});
