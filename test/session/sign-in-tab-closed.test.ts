/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import {
  completeGoogleSignIn,
  createSignInState,
  createTabSync,
  openSignInPopup,
  type PopupHost,
  type TabLocks,
} from '../../src/lib/session/index.ts';
import { errorMessageType, signInChannelName } from '../../src/lib/session/popup-message.ts';
import { isSignInOver } from '../../src/lib/session/sign-ins-over.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import type { createTabs, Tab } from '../support/tabs.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

// Tab A's Reconnect opened the Google window (COOP: the studio cannot close it), then tab A was closed. Tab B,
// which followed that sign-in, takes its answer: the user who finishes in that window is signed in there.
const layer = layerOnFakeBackend();
const { backend, expireWithHeldCalls } = layer;
afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

/** The callback page's URL for the sign-in `state`, on the app's origin. */
const callbackUrl = (state: string, query = 'code=c0de') => new URL(`${location.origin}/auth/google/callback?${query}&state=${state}`);

/** How tab A's popup is set: its time limit; `marksOver: false`, its own wait tells the callback pages nothing. */
interface TabOptions {
  popupTimeoutMs?: number;
  marksOver?: boolean;
}

/**
 * A tab whose Reconnect runs the real popup protocol (the window reads open; COOP leaves no opener), and that the
 * test can close as a browser does: its locks let go and its channels gone, with no word to anyone.
 */
function closableTab(tabs: ReturnType<typeof createTabs>, options: TabOptions = {}) {
  const states: string[] = [];
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  const channels = new Set<BroadcastChannel>();
  class TabChannel extends BroadcastChannel {
    constructor(name: string) {
      super(name);
      channels.add(this);
    }
  }
  const host: PopupHost = {
    open: () => ({ closed: false, close() {} }),
    addEventListener: () => {},
    removeEventListener: () => {},
    location: { origin: location.origin },
    BroadcastChannel: TabChannel,
    sessionStorage,
    localStorage: options.marksOver === false ? undefined : localStorage,
  };
  const locks: TabLocks = {
    request: (name, options, grant) => tabs.locks!.request(name, options, (lock) => Promise.race([grant(lock), closed]) as never),
    query: () => tabs.locks!.query(),
  };
  const sync = createTabSync(
    {
      validate: async ({ token, signal }) => (await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` }, signal })).ok,
      reauthenticate: ({ signal }) => {
        const state = createSignInState();
        states.push(state);
        return openSignInPopup({
          url: `/auth/google/login?state=${state}`,
          state,
          signal,
          host,
          namespace: tabs.name,
          timeoutMs: options.popupTimeoutMs,
        });
      },
    },
    { name: tabs.name, locks },
  );
  const tab = tabs.open({ sync });
  return {
    tab,
    states,
    /** The user closes the tab: its page is gone, its sign-in heard by nobody there. */
    close() {
      close();
      for (const channel of channels) channel.close();
    },
  };
}

/** Tab A has its popup open, B follows it; then A is closed, and B offers Reconnect again. */
async function popupTabClosed(options: TabOptions = {}) {
  const tabs = layer.tabs();
  const a = closableTab(tabs, options);
  const b = tabs.open();
  const [, held] = await expireWithHeldCalls(a.tab, b);
  a.tab.client.reconnect();
  await waitFor(b.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
  a.close();
  await waitFor(b.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 3_000 });
  const state = a.states[0]!;
  /** The callback page of that window, once the user finished there (`query`: Google's answer). */
  const finish = (exchange: () => Promise<string>, query = 'code=c0de') =>
    completeGoogleSignIn({ url: callbackUrl(state, query), opener: null, exchange, namespace: tabs.name, receiptTimeoutMs: 2_000 });
  return { tabs, b, held: held!, state, finish };
}

describe('a sign-in whose tab was closed while its window was open', () => {
  it('signs the other tab in when the user finishes in that window: its held call goes, and the window is told done', async () => {
    const { b, held, finish } = await popupTabClosed();
    const token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 });
    backend.valid.add(token);

    const page = finish(async () => token);

    await expect(page).resolves.toBeNull(); // "Done. You can close this window.", not "did not answer"
    await waitFor(b.client.actor, (s) => s.matches('active'), { timeout: 1_000 });
    expect((await held).status).toBe(200);
    expect(backend.apiRequests().at(-1)?.authorization).toBe(`Bearer ${token}`);
  });

  it('gives up what the other tab held when the user finishes there as another account, and goes on as that account', async () => {
    const { b, held, finish } = await popupTabClosed();
    const grace = unsignedJwt({ sub: 'grace', exp: Math.floor(Date.now() / 1000) + 3_600 });
    backend.valid.add(grace);
    await expect(finish(async () => grace)).resolves.toBeNull();
    // Held for the account of the token it was made with: never sent as Grace.
    await expect(held).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'other-account' });
    expect(backend.apiRequests().some((r) => r.authorization === `Bearer ${grace}`)).toBe(false);
    await waitFor(b.client.actor, (s) => s.matches('active'), { timeout: 1_000 });
  });

  it('tells the window that the user cancelled there, and the other tab still offers Reconnect', async () => {
    const { b, finish } = await popupTabClosed();
    const page = finish(async () => '', 'error=access_denied');
    await expect(page).resolves.toBe('access_denied');
    expect(b.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
  });

  it('takes the answer of that window while the other tab has its own popup open: the user may finish in either', async () => {
    const { tabs, b, held, finish } = await popupTabClosed();
    b.client.reconnect();
    await waitFor(b.client.actor, (s) => s.matches('reauthenticating'), { timeout: 1_000 });
    const token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 });
    backend.valid.add(token);

    await expect(finish(async () => token)).resolves.toBeNull();
    expect((await held).status).toBe(200);
    await waitFor(b.client.actor, (s) => s.matches('active'), { timeout: 1_000 });
    expect(tabs.stored).toContain(token);
  });

  it('gives that sign-in up once the other tab signs in by its own Reconnect: the old window then says the studio stopped waiting', async () => {
    const { tabs, b, held, finish } = await popupTabClosed();
    b.client.reconnect();
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await held).status).toBe(200);
    await waitFor(b.client.actor, (s) => s.matches('active'));

    const page = finish(async () => unsignedJwt({ n: 1 }));
    await expect(page).rejects.toThrow('The studio stopped waiting for this sign-in.');
    expect(tabs.stored).toEqual(['t2']);
  });

  it('gives that sign-in up once the other tab signs out: finished later, it signs nobody in', async () => {
    const { tabs, b, held, finish, state } = await popupTabClosed();
    tabs.storage.token = null; // the app clears the token, then tells the session
    b.client.endSession();
    await expect(held).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'signed-out' });
    await expect.poll(() => isSignInOver(() => localStorage, tabs.name, state)).toBe(true);
    await expect(finish(async () => unsignedJwt({ n: 4 }))).rejects.toThrow('The studio stopped waiting for this sign-in.');
    expect(tabs.stored).toEqual([]);
  });

  it('signs nobody in when the token was cleared before the user finished there: a sign-out on its way is not undone', async () => {
    const { tabs, b, finish } = await popupTabClosed();
    tabs.storage.token = null; // signed out in another tab: the app cleared the token, its word not here yet
    // Taken (its window is answered), then refused: nobody is signed in to adopt it for.
    await expect(finish(async () => unsignedJwt({ n: 6 }))).resolves.toBeNull();
    expect(tabs.stored).toEqual([]);
    expect(b.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
  });

  it('takes up nothing when the other tab signed out before that tab closed: the window is never told done', async () => {
    const tabs = layer.tabs();
    const a = closableTab(tabs, { marksOver: false });
    const b = tabs.open();
    const [, held] = await expireWithHeldCalls(a.tab, b);
    a.tab.client.reconnect();
    await waitFor(b.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    tabs.storage.token = null;
    b.client.endSession();
    await expect(held).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'signed-out' });
    a.close();
    const state = a.states[0]!;
    // Said until a receipt comes, for longer than B takes to find A's tab gone.
    const page = completeGoogleSignIn({
      url: callbackUrl(state),
      opener: null,
      exchange: async () => unsignedJwt({ n: 5 }),
      namespace: tabs.name,
      receiptTimeoutMs: 3_000,
    });
    await expect(page).rejects.toThrow('did not answer');
    expect(tabs.stored).toEqual([]);
  });

  it('gives that sign-in up at its own deadline: nothing listens for it after', async () => {
    // The closed tab's own timer still runs in this process: it tells no page here, as a closed tab would not.
    const { tabs, state, finish } = await popupTabClosed({ popupTimeoutMs: 1_500, marksOver: false });
    await expect.poll(() => isSignInOver(() => localStorage, tabs.name, state), { timeout: 3_000 }).toBe(true);
    await expect(finish(async () => unsignedJwt({ n: 3 }))).rejects.toThrow('The studio stopped waiting for this sign-in.');
  });

  it('takes up nothing when the tab whose popup it followed said it was done: that sign-in stays given up', async () => {
    const tabs = layer.tabs();
    // Its own wait tells no page here: only a tab that took that sign-in up could answer the window.
    const a = closableTab(tabs, { marksOver: false });
    const b = tabs.open();
    await expireWithHeldCalls(a.tab, b);
    a.tab.client.reconnect();
    await waitFor(b.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    const state = a.states[0]!;
    // Cancelled at Google: A takes it and tells B, whose follow ends on that word.
    const cancel = new BroadcastChannel(signInChannelName(state, tabs.name));
    cancel.postMessage({ type: errorMessageType, state, error: 'access_denied' });
    cancel.close();
    await waitFor(b.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 3_000 });
    a.close();
    const token = unsignedJwt({ n: 2 });
    const page = completeGoogleSignIn({
      url: callbackUrl(state),
      opener: null,
      exchange: async () => token,
      namespace: tabs.name,
      receiptTimeoutMs: 500,
    });
    await expect(page).rejects.toThrow('did not answer');
    expect(tabs.stored).not.toContain(token);
    expect(b.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
  });

  it('takes up no sign-in when the closed tab named none (an older version): none is marked over', async () => {
    const tabs = layer.tabs();
    const b = tabs.open();
    await expireWithHeldCalls(b);
    // A tab of an older version: its popup holds the lock, its word names no sign-in; then it is closed.
    let close!: () => void;
    void tabs.locks!.request(`${tabs.name}:reauth`, {}, () => new Promise<void>((resolve) => (close = resolve)));
    const older = new BroadcastChannel(tabs.name);
    older.postMessage({ type: 'reauth.started' });
    await waitFor(b.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    close();
    older.close();
    await waitFor(b.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 3_000 });
    expect(localStorage.getItem(`${tabs.name}:sign-ins-over`)).toBeNull();
  });
});

/**
 * Tab A's notice opened the Google window ("Stay signed in"), B follows it; then A is closed (after `whileOpen`, done
 * in B while it follows), and B's notice is back.
 */
async function renewalTabClosed(options: TabOptions = {}, whileOpen?: (tabs: ReturnType<typeof createTabs>, b: Tab) => void) {
  const tabs = layer.tabs();
  // A token that ends in 90 s: within the notice's 2 minutes, not yet in the 60 s expiry lead.
  tabs.storage.token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 90 });
  const a = closableTab(tabs, options);
  const b = tabs.open();
  await Promise.all([a.tab, b].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }))));
  a.tab.client.actor.send({ type: 'user.active' });
  a.tab.client.reconnect();
  await waitFor(b.client.actor, (s) => s.matches({ active: 'elsewhere' }), { timeout: 1_000 });
  whileOpen?.(tabs, b);
  a.close();
  await waitFor(b.client.actor, (s) => s.matches('active') && !s.matches({ active: 'elsewhere' }), { timeout: 3_000 });
  const state = a.states[0]!;
  const finish = (exchange: () => Promise<string>, receiptTimeoutMs = 2_000) =>
    completeGoogleSignIn({ url: callbackUrl(state), opener: null, exchange, namespace: tabs.name, receiptTimeoutMs });
  return { tabs, b, state, finish };
}

describe("a renewal whose tab was closed while its window was open (the notice's Stay signed in)", () => {
  it('renews the other tab when the user finishes in that window: its notice goes, and the window is told done', async () => {
    const { tabs, b, finish } = await renewalTabClosed();
    const token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 });

    await expect(finish(async () => token)).resolves.toBeNull(); // "Done. You can close this window."
    expect(tabs.stored).toEqual([token]);
    b.client.actor.send({ type: 'user.active' });
    expect(b.client.actor.getSnapshot().matches({ active: 'quiet' })).toBe(true);
  });

  it('renews it still when its token ran out meanwhile: the call held for it goes with the new one', async () => {
    const { tabs, b, finish } = await renewalTabClosed();
    backend.valid.delete(tabs.storage.token!);
    const held = b.client.authFetch(`${API}/api/after-expiry`);
    held.catch(() => {}); // awaited below
    await waitFor(b.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    const token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 });
    backend.valid.add(token);

    await expect(finish(async () => token)).resolves.toBeNull();
    expect((await held).status).toBe(200);
    expect(tabs.stored).toEqual([token]);
  });

  it('gives it up once the other tab signs out: finished later, it signs nobody in', async () => {
    const { tabs, b, finish, state } = await renewalTabClosed();
    tabs.storage.token = null;
    b.client.endSession();
    await expect.poll(() => isSignInOver(() => localStorage, tabs.name, state)).toBe(true);
    await expect(finish(async () => unsignedJwt({ n: 7 }))).rejects.toThrow('The studio stopped waiting for this sign-in.');
    expect(tabs.stored).toEqual([]);
  });

  it('gives it up once the other tab stops (the app unmounted it): finished later, the window hears nobody waits', async () => {
    const { tabs, b, finish, state } = await renewalTabClosed({ marksOver: false });
    b.client.stop();
    await expect.poll(() => isSignInOver(() => localStorage, tabs.name, state)).toBe(true);
    await expect(finish(async () => unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 }))).rejects.toThrow(
      'The studio stopped waiting for this sign-in.',
    );
    expect(tabs.stored).toEqual([]);
  });

  it("keeps it when the backend's clock is read anew meanwhile: the same token, its end on another clock", async () => {
    const { tabs, b, finish } = await renewalTabClosed({ marksOver: false });
    b.client.actor.send({ type: 'clock.observed', offsetMs: 7_000 }); // the backend's Date says this clock is 7 s slow
    const token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 });
    await expect(finish(async () => token)).resolves.toBeNull();
    expect(tabs.storage.token).toBe(token);
  });

  it('gives it up once signed out as the app signs out (the session told first, the token cleared after)', async () => {
    const { tabs, b, finish, state } = await renewalTabClosed({ marksOver: false });
    b.client.endSession();
    tabs.storage.token = null;
    await expect.poll(() => isSignInOver(() => localStorage, tabs.name, state)).toBe(true);
    await expect(finish(async () => unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 }))).rejects.toThrow(
      'The studio stopped waiting for this sign-in.',
    );
    expect(tabs.stored).toEqual([]);
  });

  it('gives it up once another account signs in in another tab: finished later, it brings no one back', async () => {
    // The closed tab's own wait, still running in this process, tells no page here: only B may say it stopped waiting.
    const { tabs, b, finish } = await renewalTabClosed({ marksOver: false });
    const grace = unsignedJwt({ sub: 'grace', exp: Math.floor(Date.now() / 1000) + 3_600 });
    const other = new BroadcastChannel(tabs.name);
    other.postMessage({ type: 'token', token: grace }); // another tab's Reconnect, as Grace
    other.close();
    await expect.poll(() => tabs.storage.token).toBe(grace);
    await waitFor(b.client.actor, (s) => s.matches('active'));

    // As the closed tab's own popup would have been once another token came: the window hears nobody waits.
    const ada = unsignedJwt({ sub: 'ada', exp: Math.floor(Date.now() / 1000) + 7_200 });
    await expect(finish(async () => ada)).rejects.toThrow('The studio stopped waiting for this sign-in.');
    expect(tabs.stored).not.toContain(ada);
  });

  it('gives it up once the other tab renews by its own Stay signed in: the old window then says the studio stopped waiting', async () => {
    const { tabs, b, finish } = await renewalTabClosed({ marksOver: false });
    await waitFor(b.client.actor, (s) => s.matches({ active: 'due' }));
    b.client.actor.send({ type: 'user.active' });
    b.client.reconnect();
    const renewed = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 });
    tabs.popups[0]!.resolve(renewed);
    await expect.poll(() => tabs.storage.token).toBe(renewed);

    await expect(finish(async () => unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 7_200 }))).rejects.toThrow(
      'The studio stopped waiting for this sign-in.',
    );
    expect(tabs.storage.token).toBe(renewed);
  });

  it('takes up nothing when the other tab signed out before that tab closed: the window is never told done', async () => {
    const { tabs, finish } = await renewalTabClosed({ marksOver: false }, (signingOut, b) => {
      signingOut.storage.token = null;
      b.client.endSession();
    });
    await expect(finish(async () => unsignedJwt({ n: 8 }), 1_000)).rejects.toThrow('did not answer');
    expect(tabs.stored).toEqual([]);
  });
});

describe('a sign-in whose tab was closed while the other tab, its token saying no end, had not expired yet', () => {
  it("signs that tab in when the user finishes there, though the backend's clock was read meanwhile", async () => {
    const tabs = layer.tabs();
    const a = closableTab(tabs, { marksOver: false });
    const b = tabs.open();
    await expireWithHeldCalls(a.tab); // t1, opaque: B, with no call out, still takes it for good
    a.tab.client.reconnect();
    await waitFor(b.client.actor, (s) => s.matches({ active: 'elsewhere' }), { timeout: 1_000 });
    a.close();
    await waitFor(b.client.actor, (s) => s.matches('active') && !s.matches({ active: 'elsewhere' }), { timeout: 3_000 });
    b.client.actor.send({ type: 'clock.observed', offsetMs: 7_000 }); // the backend's Date says this clock is 7 s slow

    const token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 });
    await expect(
      completeGoogleSignIn({
        url: callbackUrl(a.states[0]!),
        opener: null,
        exchange: async () => token,
        namespace: tabs.name,
        receiptTimeoutMs: 2_000,
      }),
    ).resolves.toBeNull();
    expect(tabs.storage.token).toBe(token);
  });
});

describe('a sign-in whose tab was closed, and a tab opened while its window was open', () => {
  it('signs that tab in too when the user finishes in that window: it heard no word of it, but shares the session', async () => {
    const { tabs, b, held, finish } = await popupTabClosed();
    // Opened (or reloaded) since that window opened: it was never told which sign-in the window is for.
    const c = tabs.open();
    const heldInC = c.client.authFetch(`${API}/api/tab${c.index}`);
    heldInC.catch(() => {}); // awaited below
    await waitFor(c.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 3_000 });
    const token = unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3_600 });
    backend.valid.add(token);

    await expect(finish(async () => token)).resolves.toBeNull();
    expect((await held).status).toBe(200);
    await waitFor(b.client.actor, (s) => s.matches('active'), { timeout: 1_000 });
    // Not "Session expired" with Reconnect in this tab while the other is signed in: its held call goes too.
    await waitFor(c.client.actor, (s) => s.matches('active'), { timeout: 1_000 });
    expect((await heldInC).status).toBe(200);
  });
});
