/** @vitest-environment node */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import {
  createAuthFetch,
  createPopupHints,
  createSignInState,
  createTabSync,
  openSignInPopup,
  PopupBlockedError,
  PopupCancelledError,
  PopupTimeoutError,
  ReauthError,
  selectBannerView,
  selectReauthProblem,
  type PopupClosedHint,
  type SignInPopupOptions,
} from '../../src/lib/session/index.ts';
import { errorMessageType, receiptMessageType, signInChannelName, tokenMessageType } from '../../src/lib/session/popup-message.ts';
import { createChannelBus, createOpenerWindow } from '../support/fake-sign-in-windows.ts';

// The opener's half. With COOP the popup has no opener and reads closed while open: answers come on the channel.
const state = 'b0f4c1de-2d5e-4a8b-9f6a-6c1d2e3f4a5b';
const channel = signInChannelName(state);
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
const other = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJncmFjZSJ9.c2lnbmF0dXJl';

let bus: ReturnType<typeof createChannelBus>;
let opener: ReturnType<typeof createOpenerWindow>;
let hints: Array<PopupClosedHint | null>;

beforeEach(() => {
  vi.useFakeTimers();
  bus = createChannelBus();
  opener = createOpenerWindow(bus);
  hints = [];
});
afterEach(() => {
  vi.useRealTimers();
});

function signIn(options: Partial<SignInPopupOptions> = {}) {
  const pending = openSignInPopup({
    url: `https://studio.test/auth/google/consent?state=${state}`,
    state,
    host: opener.host,
    onClosedHint: (hint) => hints.push(hint),
    ...options,
  });
  // Read as settled or not without awaiting: a pending promise must stay pending.
  const outcome = pending.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  let settled: { value?: string; error?: unknown } | null = null;
  void outcome.then((result) => (settled = result));
  return {
    pending,
    outcome,
    settled: async () => {
      await vi.advanceTimersByTimeAsync(0);
      return settled;
    },
  };
}

/** Nothing of the sign-in is left: no window listener, no channel, no timer. */
function expectNothingLeft() {
  expect(opener.windowListeners()).toBe(0);
  expect(bus.openChannels()).toEqual([]);
  expect(bus.channelListeners()).toBe(0);
  expect(vi.getTimerCount()).toBe(0);
}

describe('openSignInPopup over the sign-in channel', () => {
  it('resolves with the token the callback page sends on the channel when the popup has no opener', async () => {
    const { pending } = signIn();
    expect(bus.openChannels()).toEqual([channel]);
    bus.post(channel, { type: tokenMessageType, state, token });
    await expect(pending).resolves.toBe(token);
    expectNothingLeft();
  });

  it('sends its receipt on the channel once it has the answer, so that the callback page may close', async () => {
    const { pending } = signIn();
    bus.post(channel, { type: tokenMessageType, state, token });
    await pending;
    expect(bus.sent.at(-1)).toEqual({ name: channel, data: { type: receiptMessageType, state } });
  });

  it('ignores a message for another sign-in, or of another shape, on the channel', async () => {
    const { settled } = signIn();
    bus.post(channel, { type: tokenMessageType, state: 'another-sign-in', token });
    bus.post(channel, { type: tokenMessageType, state, token, extra: 1 });
    bus.post(channel, { type: tokenMessageType, state, token: 'not a jwt' });
    bus.post(channel, { type: errorMessageType, state: 'another-sign-in', error: 'access_denied' });
    bus.post(channel, { type: errorMessageType, state, error: '<b>Call us</b>' });
    bus.post(signInChannelName(state, 'another-app'), { type: tokenMessageType, state, token });
    expect(await settled()).toBeNull();
    expect(bus.channelListeners()).toBe(1);
  });

  it('takes the first answer only: a second message for the same state is ignored', async () => {
    const { pending } = signIn();
    // Both paths at once, as a callback page with an opener sends them, then a replay.
    bus.post(channel, { type: tokenMessageType, state, token });
    opener.post({ type: tokenMessageType, state, token: other });
    bus.post(channel, { type: errorMessageType, state, error: 'access_denied' });
    await expect(pending).resolves.toBe(token);
    expectNothingLeft();
  });

  it('ignores a message that comes after it has settled', async () => {
    const controller = new AbortController();
    const { outcome } = signIn({ signal: controller.signal });
    controller.abort(new Error('left the page'));
    const sentBefore = bus.sent.length;
    bus.post(channel, { type: tokenMessageType, state, token });
    opener.post({ type: tokenMessageType, state, token });
    expect(await outcome).toEqual({ error: new Error('left the page') });
    // Posted, but nobody was listening any more: no receipt went back.
    expect(bus.sent.slice(sentBefore).map((m) => m.data)).toEqual([{ type: tokenMessageType, state, token }]);
    expectNothingLeft();
  });

  it('still takes the opener path: a postMessage from this popup at our origin', async () => {
    const { pending } = signIn();
    opener.post({ type: tokenMessageType, state, token }, { origin: 'https://evil.test' });
    opener.post({ type: tokenMessageType, state, token }, { source: {} });
    opener.post({ type: tokenMessageType, state, token: other });
    await expect(pending).resolves.toBe(other);
    expectNothingLeft();
  });
});

describe('openSignInPopup when the popup reads closed', () => {
  it('does not reject, gives the hint, and resolves with a token that comes later', async () => {
    const { pending, settled } = signIn();
    opener.popups[0]!.closed = true; // what a COOP provider page makes an open popup read
    await vi.advanceTimersByTimeAsync(300);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toEqual({ reopen: expect.any(Function) });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await settled()).toBeNull();
    bus.post(channel, { type: tokenMessageType, state, token });
    await expect(pending).resolves.toBe(token);
    // The hint is withdrawn once the sign-in is over.
    expect(hints).toEqual([hints[0], null]);
    expectNothingLeft();
  });

  it("still resolves when the page's hint callback throws as the hint is withdrawn", async () => {
    const { pending } = signIn({
      onClosedHint: (hint) => {
        if (hint === null) throw new Error('the banner was gone already');
      },
    });
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    // The channel's message is delivered inside the bus: a throw from the page's callback stays there.
    try {
      bus.post(channel, { type: tokenMessageType, state, token });
    } catch {}
    await expect(pending).resolves.toBe(token);
  });

  it('reopens a popup in the same sign-in: the hint goes, the time limit starts again, and either window may answer', async () => {
    const { pending, settled } = signIn({ timeoutMs: 10_000 });
    await vi.advanceTimersByTimeAsync(9_000);
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    hints[0]!.reopen();
    expect(opener.opened).toHaveLength(2);
    expect(opener.opened[1]).toBe(opener.opened[0]);
    expect(hints.at(-1)).toBeNull();
    await vi.advanceTimersByTimeAsync(9_000); // past the first popup's limit
    expect(await settled()).toBeNull();
    bus.post(channel, { type: tokenMessageType, state, token });
    await expect(pending).resolves.toBe(token);
    expect(opener.popups[1]!.closeCalls).toBe(1);
    // Withdrawn once, at the reopen: the settling has no hint left to withdraw.
    expect(hints).toEqual([hints[0], null]);
    expectNothingLeft();
  });

  it('reopens a popup given a signal of its own, which no session listens to', async () => {
    const { settled } = signIn({ signal: new AbortController().signal });
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    expect(() => hints[0]!.reopen()).not.toThrow();
    expect(opener.opened).toHaveLength(2);
    expect(hints.at(-1)).toBeNull();
    expect(await settled()).toBeNull();
  });

  it("gives the reopened popup its whole time limit when the page's hint callback throws as the hint is withdrawn", async () => {
    const { settled } = signIn({
      timeoutMs: 10_000,
      onClosedHint: (hint) => {
        hints.push(hint);
        if (hint === null) throw new Error('the banner was gone already');
      },
    });
    await vi.advanceTimersByTimeAsync(9_000);
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    // Try again, in its click: the page's throw is the page's, the new window is the sign-in's.
    expect(() => hints[0]!.reopen()).toThrow('the banner was gone already');
    await vi.advanceTimersByTimeAsync(9_000); // past the first popup's limit
    expect(await settled()).toBeNull();
    opener.popups[1]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    expect(hints).toEqual([hints[0], null, { reopen: expect.any(Function) }]);
  });

  it('gives no hint while the popup reads open, and withdraws none when it settles', async () => {
    const { pending } = signIn();
    await vi.advanceTimersByTimeAsync(60_000);
    bus.post(channel, { type: tokenMessageType, state, token });
    await expect(pending).resolves.toBe(token);
    expect(hints).toEqual([]);
  });

  it('opens nothing when a hint kept from before is used after the sign-in settled', async () => {
    const { pending } = signIn();
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    const stale = hints[0]!;
    bus.post(channel, { type: tokenMessageType, state, token });
    await expect(pending).resolves.toBe(token);
    stale.reopen(); // a Try again still on screen, clicked late
    expect(opener.opened).toHaveLength(1);
    expect(hints).toEqual([stale, null]);
    expectNothingLeft();
  });

  it('rejects with PopupBlockedError when the reopened popup is blocked', async () => {
    const { pending } = signIn();
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    opener.block();
    hints[0]!.reopen();
    await expect(pending).rejects.toBeInstanceOf(PopupBlockedError);
    expectNothingLeft();
  });

  it('rejects, not throws into the click, when the first window.open throws', async () => {
    const refused = new DOMException('Opening a window is not allowed here.', 'SecurityError');
    opener.host.open = () => {
      throw refused;
    };
    let pending: Promise<string> | undefined;
    expect(() => {
      pending = openSignInPopup({ url: 'https://studio.test/auth/google/consent', state, host: opener.host });
    }).not.toThrow();
    await expect(pending).rejects.toBe(refused);
    expectNothingLeft();
  });

  it('rejects, not throws into the Try again click, when the reopening window.open throws', async () => {
    const { pending } = signIn();
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(300);
    const refused = new DOMException('Opening a window is not allowed here.', 'SecurityError');
    opener.host.open = () => {
      throw refused;
    };
    expect(() => hints[0]!.reopen()).not.toThrow();
    await expect(pending).rejects.toBe(refused);
    expectNothingLeft();
  });

  it('rejects with PopupTimeoutError and closes the popup when nothing comes in time', async () => {
    const { pending, settled } = signIn({ timeoutMs: 20_000 });
    opener.popups[0]!.closed = true;
    await vi.advanceTimersByTimeAsync(19_999);
    expect(await settled()).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).rejects.toBeInstanceOf(PopupTimeoutError);
    expect(opener.popups[0]!.closeCalls).toBe(1);
    expectNothingLeft();
  });

  it('opens no window when its signal was aborted already, and rejects with the reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('signed out'));
    const { pending } = signIn({ signal: controller.signal });
    await expect(pending).rejects.toThrow('signed out');
    expect(opener.opened).toEqual([]);
    expectNothingLeft();
  });

  it('sends no receipt when it ends without an answer: the callback page still waits for its own', async () => {
    const controller = new AbortController();
    const aborted = signIn({ signal: controller.signal });
    controller.abort(new Error('signed out'));
    await aborted.outcome;
    const timedOut = signIn({ timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await timedOut.outcome).toEqual({ error: expect.any(PopupTimeoutError) });
    expect(bus.sent).toEqual([]);
  });

  it('leaves no listener on its signal once settled: a signal that outlives many sign-ins does not gather them', async () => {
    const controller = new AbortController();
    const answered = signIn({ signal: controller.signal });
    bus.post(channel, { type: tokenMessageType, state, token });
    await answered.pending;
    const timedOut = signIn({ signal: controller.signal, timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    await timedOut.outcome;
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
  });

  it('closes the popup and rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const { pending } = signIn({ signal: controller.signal });
    controller.abort(new Error('session stopped'));
    await expect(pending).rejects.toThrow('session stopped');
    expect(opener.popups[0]!.closed).toBe(true);
    expectNothingLeft();
  });
});

describe('openSignInPopup when the server of its first page cannot be reached', () => {
  /** A check the test answers: it resolves or rejects when the test says. */
  function heldCheck() {
    const asked: AbortSignal[] = [];
    let answer!: { resolve: (value: unknown) => void; reject: (error: unknown) => void };
    const checkServer = (signal: AbortSignal) => {
      asked.push(signal);
      return new Promise((resolve, reject) => (answer = { resolve, reject }));
    };
    return { checkServer, asked, answer: () => answer };
  }

  it("fails at once, closing the popup, when the check meets fetch's network error, which it gives as the cause", async () => {
    const check = heldCheck();
    const { pending } = signIn({ checkServer: check.checkServer });
    const unreachable = new TypeError('Failed to fetch');
    check.answer().reject(unreachable);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthError);
    // What tells the session that the backend is out of reach, not that signing in failed.
    expect((error as Error).cause).toBe(unreachable);
    expect((error as Error).message).toBe(
      "Signing in with Google did not finish: the studio's server could not be reached (server_unreachable). Press Reconnect to try again.",
    );
    expect(opener.popups[0]!.closed).toBe(true);
    expect(check.asked[0]!.aborted).toBe(true);
    expectNothingLeft();
  });

  it('waits on for the answer when the server answers, or the check fails otherwise', async () => {
    for (const outcome of ['answers', 'is refused'] as const) {
      const check = heldCheck();
      const { pending, settled } = signIn({ checkServer: check.checkServer });
      if (outcome === 'answers') check.answer().resolve(new Response(null, { status: 404 }));
      else check.answer().reject(new DOMException('The operation was aborted.', 'AbortError'));
      expect(await settled()).toBeNull();
      bus.post(channel, { type: tokenMessageType, state, token });
      await expect(pending).resolves.toBe(token);
      expectNothingLeft();
    }
  });

  it("waits on for the answer when the check's own code throws a TypeError that is no network's", async () => {
    const { pending, settled } = signIn({
      checkServer: () => {
        throw new TypeError('crypto.randomUUID is not a function');
      },
    });
    expect(await settled()).toBeNull();
    expect(opener.popups[0]!.closed).toBe(false);
    bus.post(channel, { type: tokenMessageType, state, token });
    await expect(pending).resolves.toBe(token);
    expectNothingLeft();
  });

  it("stops the check once the popup's answer came, and a network error after it changes nothing", async () => {
    const check = heldCheck();
    const { pending } = signIn({ checkServer: check.checkServer });
    bus.post(channel, { type: tokenMessageType, state, token });
    await expect(pending).resolves.toBe(token);
    expect(check.asked[0]!.aborted).toBe(true);
    check.answer().reject(new TypeError('Failed to fetch'));
    await vi.advanceTimersByTimeAsync(0);
    expect(opener.popups[0]!.closeCalls).toBe(1);
  });
});

describe('openSignInPopup, the window it opens', () => {
  it('is a popup of its own name and size, not a new tab', () => {
    const open = vi.spyOn(opener.host, 'open');
    void signIn().outcome;
    expect(open).toHaveBeenCalledWith(
      `https://studio.test/auth/google/consent?state=${state}`,
      'quiet-session-sign-in',
      'popup,width=480,height=640',
    );
  });
});

describe('openSignInPopup when the provider says no', () => {
  it('rejects with PopupCancelledError at once when the user cancelled at Google', async () => {
    const { pending } = signIn();
    bus.post(channel, { type: errorMessageType, state, error: 'access_denied' });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PopupCancelledError);
    expect(error).toBeInstanceOf(ReauthError);
    expect((error as Error).message).toBe('Signing in with Google was cancelled. Press Reconnect when you are ready.');
    expect(bus.sent.at(-1)?.data).toEqual({ type: receiptMessageType, state });
    expectNothingLeft();
  });

  it.each([
    ['server_error', 'Google had a problem on its side (server_error). Press Reconnect to try again.'],
    ['invalid_request', 'Google did not accept the sign-in request (invalid_request). Press Reconnect to try again.'],
    ['invalid_scope', 'Google did not accept the permissions asked for (invalid_scope). Press Reconnect to try again.'],
    ['exchange_failed', 'the server could not finish it (exchange_failed). Press Reconnect to try again.'],
    ['server_timeout', "the studio's server did not answer in time (server_timeout). Press Reconnect to try again."],
    // Google answered, busy: not the network, and a Reconnect at once would meet the same.
    ['temporarily_unavailable', 'Google is busy right now (temporarily_unavailable). Wait a moment, then press Reconnect.'],
    ['provider_busy', 'Google is busy right now (provider_busy). Wait a moment, then press Reconnect.'],
    ['provider_unreachable', 'Google could not be reached (provider_unreachable). Press Reconnect to try again.'],
    // The site's setup, which nobody at the page can fix: no Reconnect offered as the way out.
    [
      'server_misconfigured',
      "it is not set up right on the studio's server (server_misconfigured). Trying again will not help: please tell the studio's team.",
    ],
    [
      'unauthorized_client',
      "Google does not let this app sign in (unauthorized_client). Trying again will not help: please tell the studio's team.",
    ],
  ])('rejects with a ReauthError that says %s in plain words, and what to do', async (code, words) => {
    const { pending } = signIn();
    bus.post(channel, { type: errorMessageType, state, error: code });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthError);
    expect(error).not.toBeInstanceOf(PopupCancelledError);
    expect((error as Error).message).toBe(`Signing in with Google did not finish: ${words}`);
    // Google's trouble, not the network's: the session counts it as a failed sign-in.
    expect((error as Error).cause).toBeUndefined();
  });

  it("gives the callback page's server_unreachable a TypeError for its cause, as the check's: the session waits offline", async () => {
    const { pending } = signIn();
    bus.post(channel, { type: errorMessageType, state, error: 'server_unreachable' });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthError);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('names a code it does not know without taking words from anything inherited', async () => {
    const { pending } = signIn();
    bus.post(channel, { type: errorMessageType, state, error: 'constructor' });
    await expect(pending).rejects.toThrow(
      'Signing in with Google did not finish: Google answered with an error (constructor). Press Reconnect to try again.',
    );
  });

  it('rejects with PopupBlockedError and opens no channel when the browser gives no window', async () => {
    opener.block();
    const { pending } = signIn();
    await expect(pending).rejects.toBeInstanceOf(PopupBlockedError);
    expectNothingLeft();
  });
});

describe('openSignInPopup where no window can open (Node, a worker, a server render)', () => {
  const noWindow = 'This page cannot open the sign-in window (it has no window.open). Open the app in a browser tab to sign in.';

  it('rejects with a ReauthError that says so, rather than throwing', async () => {
    // No host: this global, which has no window.open.
    const error = await openSignInPopup({ url: 'https://studio.test/auth/google/consent', state }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthError);
    expect((error as Error).message).toBe(noWindow);
  });

  it('leaves the session through tab sync needing a reconnect, the banner saying why', async () => {
    let token: string | null = 'expired';
    // As main.tsx wires it.
    const tabs = createTabSync({
      validate: async () => false,
      reauthenticate: ({ signal }) => openSignInPopup({ url: 'https://studio.test/auth/google/consent', state, signal }),
    });
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: tabs.validate,
      reauthenticate: tabs.reauthenticate,
      fetch: async () => new Response(null, { status: 401 }),
      allowedOrigins: ['https://api.test'],
    });
    const undo = tabs.connect(client);
    try {
      void client.authFetch('https://api.test/api/credits').catch(() => {});
      await waitFor(client.actor, (s) => s.matches('needsReauth'));
      client.reconnect();
      const back = await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }) && s.context.lastReauthError !== null);
      expect(selectBannerView(back)).toBe('expired');
      expect(selectReauthProblem(back)).toBe(noWindow);
    } finally {
      undo();
      client.stop();
    }
  });
});

describe('openSignInPopup, given a time no timer can wait', () => {
  // `timeoutMs: Infinity` for "no limit": setTimeout fires at once past 2^31-1 ms, so the sign-in would time out as it opened.
  it.each([
    ['timeoutMs', Number.POSITIVE_INFINITY, 1],
    ['timeoutMs', 0, 1],
    ['closedCheckMs', Number.NaN, 1],
  ])('%s: %s throws a TypeError that says what to give, and opens no window', (name, ms, least) => {
    expect(() => signIn({ [name]: ms })).toThrow(
      new TypeError(`openSignInPopup: options.${name} must be a number of milliseconds from ${least} to 2^31-1 (2147483647), got ${ms}.`),
    );
    expect(opener.opened).toEqual([]);
  });
});

describe('openSignInPopup, given no state', () => {
  // Plain JS with the state left out: no answer could ever match, and the popup would wait its two minutes to time out.
  it.each([[undefined], ['']])('%j: throws a TypeError that says what to give, and opens no window', (given) => {
    expect(() => signIn({ state: given as never })).toThrow(
      new TypeError('openSignInPopup: options.state must be the non-empty state nonce its url carries (createSignInState()).'),
    );
    expect(opener.opened).toEqual([]);
  });
});

describe('createPopupHints', () => {
  it('keeps the last hint reported and tells its subscribers until they leave', () => {
    const hints = createPopupHints();
    const seen: unknown[] = [];
    const leave = hints.subscribe(() => seen.push(hints.current()));
    expect(hints.current()).toBeNull();
    const hint = { reopen: () => {} };
    hints.report(hint);
    hints.report(null);
    leave();
    hints.report(hint);
    expect(seen).toEqual([hint, null]);
    expect(hints.current()).toBe(hint);
  });
});

describe('createSignInState', () => {
  it('makes an unguessable state outside a secure context too, where crypto.randomUUID is missing', () => {
    // Plain http on a LAN address: the page's crypto has getRandomValues, not randomUUID.
    const { getRandomValues } = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(globalThis.crypto) });
    try {
      const states = new Set(Array.from({ length: 100 }, () => createSignInState()));
      expect(states.size).toBe(100);
      for (const made of states) expect(made).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
