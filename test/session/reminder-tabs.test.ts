/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { PopupClosedError } from '../../src/lib/session/errors.ts';
import { createTabSync } from '../../src/lib/session/tab-sync.ts';
import { waitFor } from 'xstate';
import { createFakeLocks } from '../support/fake-locks.ts';
import { layerOnFakeBackend } from '../support/layer-fixture.ts';
import { reportNotes } from '../support/tabs.ts';
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

  it('holds in a tab opened, or reloaded, after it: the notice closed for that token stays closed there', async () => {
    const tabs = layer.tabs();
    // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
    tabs.storage.token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 90, iat: Math.floor(Date.now() / 1000) - 600 });
    const shown = tabs.open();
    await waitFor(shown.client.actor, (s) => s.matches({ active: 'due' }));
    shown.client.actor.send({ type: 'user.active' });
    expect(shown.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
    shown.sync.dismissReminder(); // "Not now", for every tab

    // The person opens the app in a new tab (or reloads this one), same token, and types there.
    const opened = tabs.open();
    await waitFor(opened.client.actor, (s) => s.matches({ active: 'due' }) || s.matches({ active: 'dismissed' }));
    opened.client.actor.send({ type: 'user.active' });
    expect(opened.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);

    // A new token is a new question: the notice comes again for it.
    tabs.storage.token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 95, iat: Math.floor(Date.now() / 1000) - 600 });
    const later = tabs.open();
    await waitFor(later.client.actor, (s) => s.matches({ active: 'due' }));
    later.client.actor.send({ type: 'user.active' });
    expect(later.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });
});

/**
 * Two tabs on a token within the notice's 2 minutes (not yet in the 60 s expiry lead), the notice due in both and
 * shown in the first, where the person types.
 */
async function twoTabsWithTheNoticeDue() {
  const tabs = layer.tabs();
  const now = Math.floor(Date.now() / 1000);
  tabs.storage.token = unsignedJwt({ exp: now + 90, iat: now - 600 });
  const [first, second] = [tabs.open(), tabs.open()];
  await Promise.all([first, second].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
  first.client.actor.send({ type: 'user.active' });
  return { tabs, now, first, second };
}

describe('"Not now", in a tab that missed the next token\'s message', () => {
  it("belongs to the token it was said for: the next token's notice shows in a tab remounted meanwhile", async () => {
    const { now, first: shown, second: remounted } = await twoTabsWithTheNoticeDue();
    shown.sync.dismissReminder(); // "Not now", for every tab
    await waitFor(remounted.client.actor, (s) => s.matches({ active: 'dismissed' }));

    // The second tab is away (HMR remounts it, the back/forward cache keeps it) while the first signs in again.
    remounted.disconnect();
    shown.client.adoptToken(unsignedJwt({ exp: now + 100, iat: now - 600 })); // stored where every tab reads it
    remounted.sync.connect(remounted.client);

    // Back, it reads the new token (shared storage); the person types there: the new token's notice shows.
    remounted.client.actor.send({ type: 'tab.visible' });
    await waitFor(remounted.client.actor, (s) => s.matches({ active: 'due' }) || s.matches({ active: 'dismissed' }));
    remounted.client.actor.send({ type: 'user.active' });
    expect(remounted.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });
});

describe('"Not now", then the same token again from another tab', () => {
  it('holds: the notice closed for that token does not come back in either tab', async () => {
    const { tabs, first: said, second: hearing } = await twoTabsWithTheNoticeDue();
    said.sync.dismissReminder(); // "Not now", for every tab
    await waitFor(hearing.client.actor, (s) => s.matches({ active: 'dismissed' }));

    // A tab that had not heard it (or tab sync saying it again) sends the token every tab already holds.
    const another = new BroadcastChannel(tabs.name);
    another.postMessage({ type: 'token', token: tabs.storage.token });
    another.close();
    for (const tab of [said, hearing]) {
      await vi.waitFor(() => expect(reportNotes(tab)).toContain('tab.token'));
      // Past quiet: its notice's timer, due at once, has run (or the dismissal kept it away).
      await waitFor(tab.client.actor, (s) => s.matches('active') && !s.matches({ active: 'quiet' }));
      tab.client.actor.send({ type: 'user.active' });
      expect(tab.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);
    }
  });
});

describe('"Not now", heard from another tab once the next token is in', () => {
  it('is not taken for the next token: its notice still shows', async () => {
    const { tabs, now, first: said, second: hearing } = await twoTabsWithTheNoticeDue();
    said.sync.dismissReminder(); // "Not now", for the token of the moment
    // In that same moment a sign-in elsewhere stores the next token: the word comes to a tab that holds it.
    tabs.storage.token = unsignedJwt({ exp: now + 100, iat: now - 600 });
    await vi.waitFor(() => expect(hearing.client.report().entries.some((line) => line.event === 'reminder.dismissed')).toBe(true));
    hearing.client.actor.send({ type: 'user.active' });
    expect(hearing.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });
});

describe('"Not now", for tabs that read the backend\'s clock differently', () => {
  it("holds in a tab opened later whose clock agrees with the backend, when the first tab's was 5 s behind", async () => {
    const tabs = layer.tabs();
    tabs.storage.token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 90, iat: Math.floor(Date.now() / 1000) - 600 });
    const shown = tabs.open();
    await waitFor(shown.client.actor, (s) => s.matches({ active: 'due' }));
    shown.client.actor.send({ type: 'user.active' });
    // This tab has seen the backend's Date 5 s ahead of its own clock: its local expiry is 5 s earlier.
    shown.client.actor.send({ type: 'clock.observed', offsetMs: 5_000 });
    expect(shown.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
    shown.sync.dismissReminder();

    const opened = tabs.open();
    await waitFor(opened.client.actor, (s) => s.matches({ active: 'due' }) || s.matches({ active: 'dismissed' }));
    opened.client.actor.send({ type: 'user.active' });
    expect(opened.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);
  });
});

describe("the notice's Stay signed in, across tabs", () => {
  it('is not offered in a background tab while another tab has its popup open: one popup at a time', async () => {
    const tabs = layer.tabs();
    // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
    tabs.storage.token = unsignedJwt({ exp: Date.now() / 1000 + 90 });
    const [shown, background] = [tabs.open(), tabs.open()];
    await Promise.all([shown, background].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    shown.client.actor.send({ type: 'user.active' });
    shown.client.reconnect(); // "Stay signed in": the popup opens in the first tab
    expect(shown.client.actor.getSnapshot().matches({ reauthenticating: 'renewing' })).toBe(true);
    await vi.waitFor(() => expect(background.client.report().entries.map((e) => e.event)).toContain('reauth.startedElsewhere'));

    // The person looks for the popup in the other tab and moves the mouse there.
    background.client.actor.send({ type: 'user.active' });
    expect(background.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);

    // A validation there (a 401, the expiry lead) brings it back to active while the popup is still open.
    layer.backend.valid.add(tabs.storage.token);
    background.client.actor.send({ type: 'token.rejected' });
    // Past quiet: its notice's timer, due at once, has run (or the popup kept it away).
    await waitFor(background.client.actor, (s) => s.matches('active') && !s.matches({ active: 'quiet' }));
    background.client.actor.send({ type: 'user.active' });
    expect(background.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);
    expect(tabs.popups).toHaveLength(1);
  });

  it('is not offered in a tab opened while another tab has its popup open: its word came before the tab listened', async () => {
    const locks = createFakeLocks();
    const tabs = layer.tabs({ locks });
    tabs.storage.token = unsignedJwt({ exp: Date.now() / 1000 + 90 });
    const shown = tabs.open();
    await waitFor(shown.client.actor, (s) => s.matches({ active: 'due' }));
    shown.client.actor.send({ type: 'user.active' });
    shown.client.reconnect(); // "Stay signed in": the popup opens in the first tab
    await vi.waitFor(() => expect(locks.held).toContain(`${tabs.name}:reauth`));

    // A tab opened (or reloaded) now learns of the popup from its lock alone.
    const opened = tabs.open();
    await vi.waitFor(() => expect(reportNotes(opened)).toContain('tab.reauth.held'));
    // Past quiet: its notice's timer, due at once, has run (or the popup kept it away).
    await waitFor(opened.client.actor, (s) => s.matches('active') && !s.matches({ active: 'quiet' }));
    opened.client.actor.send({ type: 'user.active' });
    expect(opened.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);
    expect(tabs.popups).toHaveLength(1);
  });

  it('comes back in a background tab once the popup of another tab closes without a token, as it does there', async () => {
    const tabs = layer.tabs();
    // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
    tabs.storage.token = unsignedJwt({ exp: Date.now() / 1000 + 90 });
    const [shown, background] = [tabs.open(), tabs.open()];
    await Promise.all([shown, background].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    shown.client.actor.send({ type: 'user.active' });
    shown.client.reconnect(); // "Stay signed in": the popup opens in the first tab
    await vi.waitFor(() => expect(background.client.report().entries.map((e) => e.event)).toContain('reauth.startedElsewhere'));

    // The person closes the popup: the first tab asks again; nobody said Not now.
    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(shown.client.actor, (s) => s.matches({ active: 'reminding' }));
    await vi.waitFor(() => expect(background.client.report().entries.map((e) => e.event)).toContain('reauth.endedElsewhere'));

    // They switch to the other tab and type there: it asks as the first tab does.
    background.client.actor.send({ type: 'user.active' });
    expect(background.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });

  it('is not offered in a tab without Web Locks while another tab has its popup open, and comes back once it closes', async () => {
    const tabs = layer.tabs();
    // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
    tabs.storage.token = unsignedJwt({ exp: Date.now() / 1000 + 90 });
    const shown = tabs.open();
    // A tab of the app without Web Locks: it hears of the popup, but cannot queue for its lock.
    const inner = { validate: async () => true, reauthenticate: () => new Promise<string>(() => {}) };
    const unlocked = tabs.open({ sync: createTabSync(inner, { name: tabs.name }) });
    await Promise.all([shown, unlocked].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    shown.client.actor.send({ type: 'user.active' });
    shown.client.reconnect(); // "Stay signed in": the popup opens in the first tab
    await vi.waitFor(() => expect(reportNotes(unlocked)).toContain('tab.reauth.started'));
    // Nothing comes after a wrong end of the follow here: a timer, after the notice's (due at once, so run first).
    await new Promise((resolve) => setTimeout(resolve, 10));
    unlocked.client.actor.send({ type: 'user.active' });
    expect(unlocked.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);

    // The person closes the popup: the first tab asks again, and so does this one.
    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(unlocked.client.actor, (s) => s.matches({ active: 'due' }));
    unlocked.client.actor.send({ type: 'user.active' });
    expect(unlocked.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });

  it('comes back in a background tab remounted while the popup was open, once that popup closes', async () => {
    const tabs = layer.tabs();
    // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
    tabs.storage.token = unsignedJwt({ exp: Date.now() / 1000 + 90 });
    const [shown, remounted] = [tabs.open(), tabs.open()];
    await Promise.all([shown, remounted].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    shown.client.actor.send({ type: 'user.active' });
    shown.client.reconnect(); // "Stay signed in": the popup opens in the first tab
    await waitFor(remounted.client.actor, (s) => s.matches({ active: 'elsewhere' }));

    // The background tab remounts (HMR, a route's provider); the popup closes while its word reaches no one there.
    remounted.disconnect();
    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(shown.client.actor, (s) => s.matches({ active: 'reminding' }));
    const popupOpen = async () => ((await tabs.locks!.query()).held ?? []).some((lock) => lock.name === `${tabs.name}:reauth`);
    await vi.waitFor(async () => expect(await popupOpen()).toBe(false));
    remounted.sync.connect(remounted.client);

    // They switch to it and type there: it asks as the first tab does, not kept quiet for a popup long closed.
    await waitFor(remounted.client.actor, (s) => s.matches({ active: 'due' }), { timeout: 3_000 });
    remounted.client.actor.send({ type: 'user.active' });
    expect(remounted.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });

  it('comes back in a background tab that checked its token while the popup was open, once that popup closes', async () => {
    const tabs = layer.tabs();
    // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
    tabs.storage.token = unsignedJwt({ exp: Date.now() / 1000 + 90 });
    layer.backend.valid.add(tabs.storage.token);
    const [shown, background] = [tabs.open(), tabs.open()];
    await Promise.all([shown, background].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
    shown.client.actor.send({ type: 'user.active' });
    shown.client.reconnect(); // "Stay signed in": the popup opens in the first tab
    await vi.waitFor(() => expect(background.client.report().entries.map((e) => e.event)).toContain('reauth.startedElsewhere'));
    // A validation there (a 401, the expiry lead) brings it back to active while the popup is still open.
    background.client.actor.send({ type: 'token.rejected' });
    await waitFor(background.client.actor, (s) => s.matches('active'));

    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(shown.client.actor, (s) => s.matches({ active: 'reminding' }));
    await waitFor(background.client.actor, (s) => s.matches({ active: 'due' }));
    background.client.actor.send({ type: 'user.active' });
    expect(background.client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });
});
