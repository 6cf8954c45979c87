/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { PopupClosedError } from '../../src/lib/session/errors.ts';
import { selectReminderView } from '../../src/lib/session/index.ts';
import { layerOnFakeBackend } from '../support/layer-fixture.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const layer = layerOnFakeBackend();

/**
 * Two tabs with a token in the notice's 2 minutes (not yet in the 60 s expiry lead), the first with the notice
 * up, the second asking the backend about the token (a 401 there), slowly: `answer` ends its check.
 */
async function oneTabChecking() {
  const tabs = layer.tabs();
  tabs.storage.token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 90, iat: Math.floor(Date.now() / 1000) - 600 });
  let answer!: (valid: boolean) => void;
  const shown = tabs.open();
  const checking = tabs.open({ validate: () => new Promise<boolean>((resolve) => (answer = resolve)) });
  await Promise.all([shown, checking].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
  shown.client.actor.send({ type: 'user.active' });
  expect(shown.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  checking.client.actor.send({ type: 'token.rejected' });
  await vi.waitFor(() => expect(answer).toBeTypeOf('function'));
  expect(checking.client.actor.getSnapshot().matches('validating')).toBe(true);
  /** Once the checking tab has heard `word`: its check ends, the token good; true when it then shows the notice. */
  const remindsAfter = async (word: string) => {
    await vi.waitFor(() => expect(checking.client.report().entries.map((e) => e.event)).toContain(word));
    answer(true);
    // Back in active, past `quiet`: its notice's timer, due at once, has run (or a dismissal kept it away).
    await waitFor(checking.client.actor, (s) => s.matches('active') && !s.matches({ active: 'quiet' }));
    checking.client.actor.send({ type: 'user.active' });
    return checking.client.actor.getSnapshot().matches({ active: 'reminding' });
  };
  return { tabs, shown, remindsAfter };
}

describe("another tab's word while this tab checks its token", () => {
  it('Not now said meanwhile holds here once the check is done: the notice does not come back', async () => {
    const { shown, remindsAfter } = await oneTabChecking();
    shown.sync.dismissReminder(); // "Not now", for every tab
    expect(await remindsAfter('reminder.dismissed')).toBe(false);
  });

  it('Not now said meanwhile holds when the same token is then sent again', async () => {
    const { tabs, shown, remindsAfter } = await oneTabChecking();
    shown.sync.dismissReminder(); // "Not now", for every tab
    // A tab that had not heard it (or tab sync saying it again) sends the token every tab already holds.
    const another = new BroadcastChannel(tabs.name);
    another.postMessage({ type: 'token', token: tabs.storage.token });
    another.close();
    expect(await remindsAfter('tab.token')).toBe(false);
  });

  it("another tab's popup opened meanwhile: no Stay signed in here once the check is done", async () => {
    const { shown, remindsAfter } = await oneTabChecking();
    shown.client.reconnect(); // "Stay signed in": the popup opens in the first tab
    expect(await remindsAfter('reauth.startedElsewhere')).toBe(false);
  });
});

describe("another tab's popup that closes without a token while this tab checks its token", () => {
  it('leaves the notice to come back here once the check is done, as it does in that tab', async () => {
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

    // The person closes the popup: the first tab asks again; nobody said Not now.
    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(shown.client.actor, (s) => s.matches({ active: 'reminding' }));
    await vi.waitFor(() => expect(checking.client.report().entries.map((e) => e.event)).toContain('reauth.endedElsewhere'));
    answer(true);
    await waitFor(checking.client.actor, (s) => s.matches('active') && !s.matches({ active: 'quiet' }));
    checking.client.actor.send({ type: 'user.active' });
    expect(checking.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });
});

describe("another tab's popup opened while this tab checks its token under the notice", () => {
  it('hides the notice here at once, and keeps it hidden once the check is done: no second popup offered', async () => {
    const tabs = layer.tabs();
    tabs.storage.token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 90, iat: Math.floor(Date.now() / 1000) - 600 });
    let answer!: (valid: boolean) => void;
    const popupTab = tabs.open();
    const checking = tabs.open({ validate: () => new Promise<boolean>((resolve) => (answer = resolve)) });
    await Promise.all([popupTab, checking].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    // The person has both tabs in view: the notice is up in each.
    for (const tab of [popupTab, checking]) tab.client.actor.send({ type: 'user.active' });
    // A 401 here: the notice stays, inert, while the token is checked.
    checking.client.actor.send({ type: 'token.rejected' });
    await vi.waitFor(() => expect(answer).toBeTypeOf('function'));
    const view = () => selectReminderView(checking.client.actor.getSnapshot());
    expect(view()).toBe('checking');

    popupTab.client.reconnect(); // "Stay signed in" in the other tab: its popup opens
    await vi.waitFor(() => expect(checking.client.report().entries.map((e) => e.event)).toContain('reauth.startedElsewhere'));
    expect(view()).toBe('hidden');

    answer(true);
    await waitFor(checking.client.actor, (s) => s.matches('active') && !s.matches({ active: 'quiet' }));
    checking.client.actor.send({ type: 'user.active' });
    expect(view()).toBe('hidden');
    expect(tabs.popups).toHaveLength(1);
  });
});
