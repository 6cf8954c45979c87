/** @vitest-environment node */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import {
  completeGoogleSignIn,
  createAuthFetch,
  createTabSync,
  openSignInPopup,
  PopupCancelledError,
  PopupTimeoutError,
  resumeSignIn,
  selectBannerView,
  selectReauthProblem,
  type PopupHost,
  type SignInStorage,
} from '../../src/lib/session/index.ts';
import { errorMessageType, receiptMessageType, signInChannelName, tokenMessageType } from '../../src/lib/session/popup-message.ts';
import { createChannelBus, createOpenerWindow } from '../support/fake-sign-in-windows.ts';
import { memoryStorage } from '../support/memory-storage.ts';

// A popup sign-in outlives a reload of its tab: the tab's sessionStorage keeps its state and deadline, never a token.
const state = 'b0f4c1de-2d5e-4a8b-9f6a-6c1d2e3f4a5b';
const channel = signInChannelName(state);
const key = 'quiet-session:sign-in';
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';

/** One tab's sessionStorage: it outlives the page, as a reload keeps it. */
const tabStorage = memoryStorage;

/** One page of the tab: its window, its channels (gone with it), and the tab's storage. */
function page(storage: SignInStorage | undefined) {
  const bus = createChannelBus();
  const opener = createOpenerWindow(bus);
  const host: PopupHost = { ...opener.host, sessionStorage: storage };
  return { bus, opener, host };
}

let storage: ReturnType<typeof tabStorage>;
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  storage = tabStorage();
});
afterEach(() => {
  vi.useRealTimers();
});

const record = () => JSON.parse(storage.items.get(key) ?? 'null');
const signIn = (host: PopupHost, options: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
  openSignInPopup({ url: `https://studio.test/auth/google/consent?state=${state}`, state, host, ...options });
/** A sign-in whose page is gone: nobody hears how it ends. */
const abandoned = (pending: Promise<string>) => void pending.catch(() => {});

/** A page whose sign-in was pending when the tab reloaded: the new page, with the same storage. */
function reloadedDuringSignIn(timeoutMs = 120_000) {
  const before = page(storage);
  abandoned(signIn(before.host, { timeoutMs }));
  return page(storage);
}

describe('the record of a pending popup sign-in', () => {
  it('keeps the state, the deadline and the time limit while the popup is open, and nothing else', () => {
    abandoned(signIn(page(storage).host, { timeoutMs: 60_000 }));
    expect(record()).toEqual({ state, deadline: 1_060_000, limitMs: 60_000 });
  });

  it('moves the deadline when Try again opens a new window', async () => {
    const { host, opener } = page(storage);
    const hints: Array<{ reopen(): void } | null> = [];
    abandoned(openSignInPopup({ url: 'https://studio.test/consent', state, host, timeoutMs: 60_000, onClosedHint: (h) => hints.push(h) }));
    await vi.advanceTimersByTimeAsync(10_000);
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    hints[0]!.reopen();
    expect(record()).toEqual({ state, deadline: 1_070_300, limitMs: 60_000 });
  });

  const outcomes: Array<[string, (p: ReturnType<typeof page>, abort: AbortController) => void]> = [
    ['a token', ({ bus }) => bus.post(channel, { type: tokenMessageType, state, token })],
    ['a token by the opener path', ({ opener }) => opener.post({ type: tokenMessageType, state, token })],
    ['a cancel at Google', ({ bus }) => bus.post(channel, { type: errorMessageType, state, error: 'access_denied' })],
    ['the time limit', () => void vi.advanceTimersByTime(120_000)],
    ['an abort', (_, abort) => abort.abort(new Error('signed out'))],
  ];
  it.each(outcomes)('is cleared when the sign-in settles with %s', async (_, settle) => {
    const tab = page(storage);
    const abort = new AbortController();
    const pending = signIn(tab.host, { signal: abort.signal }).catch(() => {});
    expect(record()).not.toBeNull();
    settle(tab, abort);
    await pending;
    expect(storage.items.has(key)).toBe(false);
  });

  it('is not written when the browser blocks the popup', async () => {
    const tab = page(storage);
    tab.opener.block();
    await signIn(tab.host).catch(() => {});
    expect(storage.items.size).toBe(0);
  });

  it('of a newer sign-in stays when an older one settles', async () => {
    const older = page(storage);
    const abort = new AbortController();
    const settled = signIn(older.host, { signal: abort.signal }).catch(() => {});
    abandoned(openSignInPopup({ url: 'https://studio.test/consent', state: 'newer', host: page(storage).host }));
    abort.abort(new Error('given up'));
    await settled;
    expect(record()).toMatchObject({ state: 'newer' });
  });

  it('is none where sessionStorage throws, and the sign-in works as before', async () => {
    const tab = page(undefined);
    const host: PopupHost = Object.defineProperty({ ...tab.host }, 'sessionStorage', {
      get: () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    const full: SignInStorage = {
      ...storage,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    const quota = page(full);
    const pending = [signIn(host), openSignInPopup({ url: 'https://studio.test/consent', state: 'other', host: quota.host })];
    expect(resumeSignIn({ host })).toBeNull();
    tab.bus.post(channel, { type: tokenMessageType, state, token });
    quota.bus.post(signInChannelName('other'), { type: tokenMessageType, state: 'other', token });
    await expect(Promise.all(pending)).resolves.toEqual([token, token]);
  });
});

describe('resumeSignIn after a reload', () => {
  it('is null when no sign-in was pending, or its record is not one', () => {
    expect(resumeSignIn({ host: page(storage).host })).toBeNull();
    storage.items.set(key, '{"state":');
    expect(resumeSignIn({ host: page(storage).host })).toBeNull();
    storage.items.set(key, JSON.stringify({ state, token }));
    expect(resumeSignIn({ host: page(storage).host })).toBeNull();
  });

  it.each([
    ['a deadline written as text', { state, deadline: '1060000' }],
    ['a state that is no string', { state: 42, deadline: 1_060_000 }],
    ['no state', { deadline: 1_060_000 }],
  ])('is null for a record with %s, and opens no channel', (_, written) => {
    storage.items.set(key, JSON.stringify(written));
    const reloaded = page(storage);
    expect(resumeSignIn({ host: reloaded.host })).toBeNull();
    expect(reloaded.bus.openChannels()).toEqual([]);
  });

  it('gives no closed-popup hint, given the options the popup was given: no popup of this page is left to reopen', async () => {
    const reloaded = reloadedDuringSignIn();
    const hints: unknown[] = [];
    // One options object for both, as an app may keep it: resumeSignIn's type does not name onClosedHint.
    const options = { host: reloaded.host, onClosedHint: (hint: unknown) => hints.push(hint) };
    const resumed = resumeSignIn(options);
    await vi.advanceTimersByTimeAsync(60_000);
    reloaded.bus.post(channel, { type: tokenMessageType, state, token });
    await expect(resumed).resolves.toBe(token);
    expect(hints).toEqual([]);
  });

  it('takes the token the callback page posts on the channel, sends the receipt, and clears the record', async () => {
    const reloaded = reloadedDuringSignIn();
    // The page before the reload is gone; only its timers stay in this process.
    const timersOfThePageGone = vi.getTimerCount();
    const resumed = resumeSignIn({ host: reloaded.host });
    expect(reloaded.bus.openChannels()).toEqual([channel]);
    reloaded.bus.post(channel, { type: tokenMessageType, state, token });
    await expect(resumed).resolves.toBe(token);
    expect(reloaded.bus.sent.at(-1)).toEqual({ name: channel, data: { type: receiptMessageType, state } });
    expect(storage.items.has(key)).toBe(false);
    expect(reloaded.bus.openChannels()).toEqual([]);
    expect(reloaded.opener.windowListeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(timersOfThePageGone);
  });

  it('ignores a window message, from any source: no popup of this page is left to vouch for it', async () => {
    const reloaded = reloadedDuringSignIn();
    let settled = false;
    abandoned(resumeSignIn({ host: reloaded.host })!.finally(() => (settled = true)));
    reloaded.opener.post({ type: tokenMessageType, state, token }, { source: null });
    reloaded.opener.post({ type: tokenMessageType, state, token }, { source: {} });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
  });

  it('rejects as the popup would: a cancel at Google, or PopupTimeoutError at the popup’s own deadline', async () => {
    const cancelled = reloadedDuringSignIn();
    const first = resumeSignIn({ host: cancelled.host })!;
    cancelled.bus.post(channel, { type: errorMessageType, state, error: 'access_denied' });
    await expect(first).rejects.toBeInstanceOf(PopupCancelledError);

    const timedOut = reloadedDuringSignIn(60_000);
    await vi.advanceTimersByTimeAsync(20_000);
    const second = resumeSignIn({ host: timedOut.host })!;
    const outcome = second.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(39_999);
    expect(storage.items.has(key)).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBeInstanceOf(PopupTimeoutError);
    // The popup's whole time limit, as its own timeout would say, not the 40 s that were left after the reload.
    expect(await outcome).toHaveProperty('message', 'Signing in took longer than 60 s and was stopped. Press Reconnect to try again.');
    expect(storage.items.has(key)).toBe(false);
  });

  it.each([
    ['without the time limit, as an older version kept it', {}],
    ['whose time limit is no duration', { limitMs: '60000' }],
    ['whose time limit is 0', { limitMs: 0 }],
  ])('says the time that was left of a record %s', async (_, limit) => {
    const reloaded = reloadedDuringSignIn(60_000);
    storage.items.set(key, JSON.stringify({ state, deadline: 1_030_000, ...limit }));
    const outcome = resumeSignIn({ host: reloaded.host })!.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await outcome).toHaveProperty('message', 'Signing in took longer than 30 s and was stopped. Press Reconnect to try again.');
  });

  it('stops and clears the record when its signal aborts, or was aborted already', async () => {
    const controller = new AbortController();
    const resumed = resumeSignIn({ host: reloadedDuringSignIn().host, signal: controller.signal })!;
    controller.abort(new Error('stopped'));
    await expect(resumed).rejects.toThrow('stopped');
    expect(storage.items.has(key)).toBe(false);
    const again = resumeSignIn({ host: reloadedDuringSignIn().host, signal: controller.signal })!;
    await expect(again).rejects.toThrow('stopped');
    expect(storage.items.has(key)).toBe(false);
  });

  it('waits no longer than the popup’s own time limit when the clock went back since the record was kept', async () => {
    // Kept an hour ahead: the system clock was set back (or corrected) between the popup and the reload.
    storage.items.set(key, JSON.stringify({ state, deadline: Date.now() + 3_600_000, limitMs: 120_000 }));
    const resumed = resumeSignIn({ host: page(storage).host })!.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(await Promise.race([resumed, Promise.resolve('still waiting')])).toBeInstanceOf(PopupTimeoutError);
  });

  it('does nothing for a sign-in past its deadline, and removes its record', async () => {
    const reloaded = reloadedDuringSignIn(60_000);
    vi.setSystemTime(1_060_000);
    expect(resumeSignIn({ host: reloaded.host })).toBeNull();
    expect(storage.items.has(key)).toBe(false);
    expect(reloaded.bus.openChannels()).toEqual([]);
  });

  it('tells a callback page that comes for a sign-in past its deadline, at once, that the studio stopped waiting', async () => {
    const localStorage = tabStorage(); // the origin's, which the popup shares
    const reloaded = reloadedDuringSignIn(60_000);
    vi.setSystemTime(1_060_000);
    expect(resumeSignIn({ host: { ...reloaded.host, localStorage } })).toBeNull();
    const exchange = vi.fn(async () => token);
    const url = new URL(`https://studio.test/auth/google/callback?code=c0de&state=${state}`);
    const callback = { url, opener: null, exchange, BroadcastChannel: reloaded.bus.BroadcastChannel, localStorage };
    await expect(completeGoogleSignIn(callback)).rejects.toThrow('The studio stopped waiting for this sign-in.');
    expect(exchange).not.toHaveBeenCalled();
  });

  it('does nothing without BroadcastChannel, where only the lost popup could have answered', () => {
    const { BroadcastChannel: _, ...host } = reloadedDuringSignIn().host;
    expect(resumeSignIn({ host })).toBeNull();
    expect(storage.items.has(key)).toBe(false);
  });

  it('listens under the app’s namespace', async () => {
    const before = page(storage);
    abandoned(openSignInPopup({ url: 'https://studio.test/consent', state, host: before.host, namespace: 'studio' }));
    const reloaded = page(storage);
    expect(resumeSignIn({ host: reloaded.host })).toBeNull();
    const resumed = resumeSignIn({ host: reloaded.host, namespace: 'studio' });
    reloaded.bus.post(signInChannelName(state, 'studio'), { type: tokenMessageType, state, token });
    await expect(resumed).resolves.toBe(token);
  });
});

describe('a resumed sign-in that fails, in the session it was resumed for', () => {
  /** This page after the reload, as main.tsx wires it, its token found expired: the banner is up. */
  async function expiredAfterReload(validate: () => Promise<boolean> = async () => false) {
    const tabs = createTabSync({ validate, reauthenticate: () => Promise.reject(new Error('not used')) });
    const client = createAuthFetch({
      getToken: () => 'expired',
      setToken: () => {},
      validate: tabs.validate,
      reauthenticate: tabs.reauthenticate,
      fetch: async () => new Response(null, { status: 401 }),
      allowedOrigins: ['https://api.test'],
    });
    const undo = tabs.connect(client);
    void client.authFetch('https://api.test/api/credits').catch(() => {});
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    const stop = () => {
      undo();
      client.stop();
    };
    return { tabs, client, stop };
  }

  it('leaves the banner saying why, as the popup’s own time limit would', async () => {
    const reloaded = reloadedDuringSignIn(60_000);
    const { tabs, client, stop } = await expiredAfterReload();
    const givenUp = new AbortController();
    const adopted = tabs.adoptSignIn(resumeSignIn({ host: reloaded.host, signal: givenUp.signal })!, givenUp.signal);
    const outcome = adopted.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await outcome).toBeInstanceOf(PopupTimeoutError);
    const snapshot = client.actor.getSnapshot();
    expect(selectBannerView(snapshot)).toBe('expired');
    expect(selectReauthProblem(snapshot)).toBe('Signing in took longer than 60 s and was stopped. Press Reconnect to try again.');
    // Not counted: this page never pressed Reconnect for it.
    expect(snapshot.context.reauthFailures).toBe(0);
    stop();
  });

  it('stops saying the server could not be reached once it answers again', async () => {
    const reloaded = reloadedDuringSignIn();
    let reachable = true;
    const { tabs, client, stop } = await expiredAfterReload(async () => {
      if (!reachable) throw new TypeError('Failed to fetch');
      return false;
    });
    reachable = false; // the backend restarted while the callback page traded the code
    const givenUp = new AbortController();
    const outcome = tabs
      .adoptSignIn(resumeSignIn({ host: reloaded.host, signal: givenUp.signal })!, givenUp.signal)
      .catch((e: unknown) => e);
    reloaded.bus.post(channel, { type: errorMessageType, state, error: 'server_unreachable' });
    await outcome;
    reachable = true;
    await vi.advanceTimersByTimeAsync(60_000);
    // The backend answered, and still refuses the old token: the banner simply offers Reconnect.
    const back = await waitFor(client.actor, (s) => s.matches('needsReauth'));
    expect(selectBannerView(back)).toBe('expired');
    expect(selectReauthProblem(back)).toBeNull();
    stop();
  });

  it('says nothing of one given up (signed out, or in by another way)', async () => {
    const reloaded = reloadedDuringSignIn();
    const { tabs, client, stop } = await expiredAfterReload();
    const givenUp = new AbortController();
    const outcome = tabs
      .adoptSignIn(resumeSignIn({ host: reloaded.host, signal: givenUp.signal })!, givenUp.signal)
      .catch((e: unknown) => e);
    givenUp.abort(new Error('signed out'));
    expect(await outcome).toEqual(new Error('signed out'));
    expect(selectReauthProblem(client.actor.getSnapshot())).toBeNull();
    stop();
  });
});

/** A session and its tab sync: `validate` answers for the backend, `status()` is every call's answer. */
function syncedSession(validate: () => Promise<boolean>, status: () => number) {
  const tabs = createTabSync({ validate, reauthenticate: () => Promise.reject(new Error('not used')) });
  const client = createAuthFetch({
    getToken: () => 'the-token',
    setToken: () => {},
    validate: tabs.validate,
    reauthenticate: tabs.reauthenticate,
    fetch: async () => new Response(null, { status: status() }),
    allowedOrigins: ['https://api.test'],
  });
  const undo = tabs.connect(client);
  return {
    client,
    call: () => client.authFetch('https://api.test/api/credits'),
    /** The sign-in begun before the reload, taken up through tab sync, is cancelled at Google. */
    async cancelResumedSignIn() {
      const reloaded = reloadedDuringSignIn();
      const givenUp = new AbortController();
      const outcome = tabs
        .adoptSignIn(resumeSignIn({ host: reloaded.host, signal: givenUp.signal })!, givenUp.signal)
        .catch((e: unknown) => e);
      reloaded.bus.post(channel, { type: errorMessageType, state, error: 'access_denied' });
      expect(await outcome).toBeInstanceOf(PopupCancelledError);
    },
    stop() {
      undo();
      client.stop();
    },
  };
}

const cancelled = 'Signing in with Google was cancelled. Press Reconnect when you are ready.';

describe('a resumed sign-in whose answer comes before the session found its token expired', () => {
  it('still says why once the banner is up: the callback page says it again at once after a reload', async () => {
    // The backend takes its time with the reloaded page's token: the callback page's answer comes first.
    let answer: (valid: boolean) => void = () => {};
    const session = syncedSession(
      () => new Promise<boolean>((resolve) => (answer = resolve)),
      () => 401,
    );
    void session.call().catch(() => {});
    await waitFor(session.client.actor, (s) => s.matches('validating'));
    await session.cancelResumedSignIn();
    answer(false);
    await waitFor(session.client.actor, (s) => s.matches('needsReauth'));
    expect(selectReauthProblem(session.client.actor.getSnapshot())).toBe(cancelled);
    session.stop();
  });

  it('still says why once the banner is up when the answer came while the backend was out of reach', async () => {
    let reachable = false;
    const session = syncedSession(
      async () => {
        if (!reachable) throw new TypeError('Failed to fetch');
        return false;
      },
      () => 401,
    );
    void session.call().catch(() => {});
    await waitFor(session.client.actor, (s) => s.matches('offline'));
    await session.cancelResumedSignIn();
    reachable = true;
    session.client.actor.send({ type: 'network.online' });
    await waitFor(session.client.actor, (s) => s.matches('needsReauth'));
    expect(selectReauthProblem(session.client.actor.getSnapshot())).toBe(cancelled);
    session.stop();
  });

  it('forgets why once the token proves good: a later expiry does not blame that old sign-in', async () => {
    const answers: Array<(valid: boolean) => void> = [];
    let accepted = false;
    const session = syncedSession(
      () => new Promise<boolean>((resolve) => answers.push(resolve)),
      () => (accepted ? 200 : 401),
    );
    const first = session.call();
    await waitFor(session.client.actor, (s) => s.matches('validating'));
    await session.cancelResumedSignIn();
    accepted = true;
    answers.shift()!(true);
    expect((await first).status).toBe(200);
    // An hour later the token does end: the banner says so, and nothing of the sign-in given up before.
    await vi.advanceTimersByTimeAsync(3_600_000);
    accepted = false;
    void session.call().catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    await waitFor(session.client.actor, (s) => s.matches('validating') && answers.length > 0);
    answers.shift()!(false);
    await waitFor(session.client.actor, (s) => s.matches('needsReauth'));
    expect(selectReauthProblem(session.client.actor.getSnapshot())).toBeNull();
    session.stop();
  });
});
