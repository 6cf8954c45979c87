/** @vitest-environment node */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  completeGoogleSignIn,
  openSignInPopup,
  PopupCancelledError,
  ReauthError,
  type GoogleCallbackArgs,
} from '../../src/lib/session/index.ts';
import { isUnreachableFailure } from '../../machines/session.machine.ts';
import { errorMessageType, receiptMessageType, signInChannelName, tokenMessageType } from '../../src/lib/session/popup-message.ts';
import { createChannelBus, createOpenerWindow } from '../support/fake-sign-in-windows.ts';
import { memoryStorage } from '../support/memory-storage.ts';

// The callback page's half: the answer goes on the sign-in's channel, and by postMessage to an opener it still has.
const origin = 'https://studio.test';
const state = 'b0f4c1de-2d5e-4a8b-9f6a-6c1d2e3f4a5b';
const channel = signInChannelName(state);
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
const gone = 'The studio window that asked for this sign-in did not answer. Close this window and sign in from the studio.';

let bus: ReturnType<typeof createChannelBus>;
beforeEach(() => {
  vi.useFakeTimers();
  bus = createChannelBus();
});
afterEach(() => {
  vi.useRealTimers();
});

const callbackUrl = (query: Record<string, string>) => new URL(`${origin}/auth/google/callback?${new URLSearchParams(query)}`);

function complete(query: Record<string, string>, args: Partial<GoogleCallbackArgs> = {}) {
  return completeGoogleSignIn({
    url: callbackUrl(query),
    opener: null,
    exchange: async () => token,
    BroadcastChannel: bus.BroadcastChannel,
    ...args,
  });
}

/** A window of the app listening on the sign-in's channel, answering every message with the opener's receipt. */
function listenAsTheApp() {
  const got: unknown[] = [];
  const app = new bus.BroadcastChannel(channel);
  app.addEventListener('message', ({ data }) => {
    got.push(data);
    app.postMessage({ type: receiptMessageType, state });
  });
  return { got, close: () => app.close() };
}

describe('completeGoogleSignIn with no opener (the provider sent COOP)', () => {
  it('sends the token on the sign-in channel and resolves on the receipt', async () => {
    const app = listenAsTheApp();
    await expect(complete({ code: 'c0de', state })).resolves.toBeNull();
    expect(app.got).toEqual([{ type: tokenMessageType, state, token }]);
    app.close();
    expect(bus.openChannels()).toEqual([]);
  });

  it('says the window that asked is gone when no receipt comes in time, and leaves nothing open', async () => {
    const done = complete({ code: 'c0de', state }, { receiptTimeoutMs: 3_000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await done).toEqual(
      new Error('The studio window that asked for this sign-in did not answer. Close this window and sign in from the studio.'),
    );
    expect(bus.openChannels()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says it again until the receipt: an app tab that was reloading, and listens only once loaded, still gets it', async () => {
    const done = complete({ code: 'c0de', state }, { receiptTimeoutMs: 5_000 });
    await vi.advanceTimersByTimeAsync(2_000); // the app tab reloads meanwhile: nobody hears the first word
    const app = listenAsTheApp();
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(app.got).toEqual([{ type: tokenMessageType, state, token }]);
    app.close();
    expect(bus.openChannels()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('hears a receipt that comes after the wait: a frozen app tab took the token late, and the sign-in worked', async () => {
    // A background tab (Android opens the popup as a tab) gets the message when it thaws, and answers then.
    const got: unknown[] = [];
    const app = new bus.BroadcastChannel(channel);
    app.addEventListener('message', ({ data }) => {
      got.push(data);
      setTimeout(() => app.postMessage({ type: receiptMessageType, state }), 8_000);
    });
    const late = vi.fn();
    const done = complete({ code: 'c0de', state }, { onLateReceipt: late }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await done).toBeInstanceOf(Error);
    expect(late).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3_000);
    // The same answer each time it was said, until the receipt.
    expect(new Set(got.map((message) => JSON.stringify(message)))).toEqual(
      new Set([JSON.stringify({ type: tokenMessageType, state, token })]),
    );
    expect(late).toHaveBeenCalledExactlyOnceWith(null);
    app.close();
    expect(bus.openChannels()).toEqual([]);
  });

  it('goes on saying it after the wait while it hears late receipts: an app tab slower to reload than that still gets it', async () => {
    const late = vi.fn();
    const done = complete({ code: 'c0de', state }, { onLateReceipt: late }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(8_000); // the app tab takes 8 s to load again
    expect(await done).toBeInstanceOf(Error);
    const app = listenAsTheApp();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(app.got).toEqual([{ type: tokenMessageType, state, token }]);
    expect(late).toHaveBeenCalledOnce();
    app.close();
    expect(bus.openChannels()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops saying it ten minutes on when no receipt came: no app still waits, and the window does no work for ever', async () => {
    const late = vi.fn();
    const done = complete({ code: 'c0de', state }, { onLateReceipt: late }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000 + 10 * 60_000 - 1);
    expect(await done).toBeInstanceOf(Error);
    expect(bus.openChannels()).not.toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(bus.openChannels()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(late).not.toHaveBeenCalled();
  });

  it("sends the user's cancel as access_denied, without exchanging anything", async () => {
    const app = listenAsTheApp();
    const exchange = vi.fn(async () => token);
    // Said back to the page, so that a window the browser keeps open does not read "Done".
    await expect(complete({ error: 'access_denied', state }, { exchange })).resolves.toBe('access_denied');
    expect(app.got).toEqual([{ type: errorMessageType, state, error: 'access_denied' }]);
    expect(exchange).not.toHaveBeenCalled();
  });

  it("passes on a provider's error code only when it has the safe shape, and never its own words", async () => {
    const app = listenAsTheApp();
    await complete({ error: 'server_error', state, error_description: 'Call +1 555 0100 to unlock your account' });
    await complete({ error: '<img src=x onerror=alert(1)>', state });
    expect(app.got).toEqual([
      { type: errorMessageType, state, error: 'server_error' },
      { type: errorMessageType, state, error: 'unknown_error' },
    ]);
  });

  it('says exchange_failed when the backend does not trade the code', async () => {
    const app = listenAsTheApp();
    await complete({ code: 'stale', state }, { exchange: () => Promise.reject(new Error('400 Invalid or expired code')) });
    expect(app.got).toEqual([{ type: errorMessageType, state, error: 'exchange_failed' }]);
  });

  it('says exchange_failed when the exchange rejects with nothing or null', async () => {
    const app = listenAsTheApp();
    await complete({ code: 'c0de', state }, { exchange: () => Promise.reject() });
    await complete({ code: 'c0de', state }, { exchange: () => Promise.reject(null) });
    expect(app.got).toEqual([
      { type: errorMessageType, state, error: 'exchange_failed' },
      { type: errorMessageType, state, error: 'exchange_failed' },
    ]);
  });

  it('says server_unreachable when the backend could not be reached to trade the code', async () => {
    const app = listenAsTheApp();
    await complete({ code: 'c0de', state }, { exchange: () => Promise.reject(new TypeError('Failed to fetch')) });
    expect(app.got).toEqual([{ type: errorMessageType, state, error: 'server_unreachable' }]);
  });

  it('says provider_unreachable when the backend answers 502: it could not reach Google', async () => {
    const app = listenAsTheApp();
    const gateway = Object.assign(new Error('Signing in with Google failed (502: Google could not be reached. Try again.).'), {
      status: 502,
    });
    await complete({ code: 'c0de', state }, { exchange: () => Promise.reject(gateway) });
    await complete({ code: 'c0de', state }, { exchange: () => Promise.reject(Object.assign(new Error('500'), { status: 500 })) });
    expect(app.got).toEqual([
      { type: errorMessageType, state, error: 'provider_unreachable' },
      { type: errorMessageType, state, error: 'exchange_failed' },
    ]);
  });

  it("passes on the code of the backend's 502 for Google busy or our client refused, and reads any other as provider_unreachable", async () => {
    const app = listenAsTheApp();
    const answered = (status: number, code: unknown) =>
      Object.assign(new Error(`Signing in with Google failed (${status}).`), { status, code });
    const answers: [number, unknown][] = [
      [502, 'provider_busy'],
      [502, 'server_misconfigured'],
      [502, 'provider_unreachable'],
      // A backend that names no code (an older one), or one this page does not know: Google could not be reached, as before.
      [502, undefined],
      [502, 'rate_limited'],
      [502, 'constructor'],
      [502, 42],
      // Only a 502 is about Google.
      [500, 'provider_busy'],
    ];
    for (const [status, code] of answers)
      await complete({ code: 'c0de', state }, { exchange: () => Promise.reject(answered(status, code)) });
    expect(app.got.map((message) => (message as { error: string }).error)).toEqual([
      'provider_busy',
      'server_misconfigured',
      'provider_unreachable',
      'provider_unreachable',
      'provider_unreachable',
      'provider_unreachable',
      'provider_unreachable',
      'exchange_failed',
    ]);
  });

  it('gives up an exchange the backend never answers after exchangeTimeoutMs, cancels it, and says server_timeout', async () => {
    const app = listenAsTheApp();
    const signals: AbortSignal[] = [];
    // A backend that took the connection and never answers.
    const exchange = (_code: string, _state: string, args?: { signal?: AbortSignal }) => {
      if (args?.signal) signals.push(args.signal);
      return new Promise<string>(() => {});
    };
    const done = complete({ code: 'c0de', state }, { exchange, exchangeTimeoutMs: 10_000 });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(app.got).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toBe('server_timeout');
    expect(app.got).toEqual([{ type: errorMessageType, state, error: 'server_timeout' }]);
    expect(signals.map((signal) => signal.aborted)).toEqual([true]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves an exchange that answered in time uncancelled, and no timer behind', async () => {
    const app = listenAsTheApp();
    const signals: AbortSignal[] = [];
    const exchange = async (_code: string, _state: string, args: { signal: AbortSignal }) => {
      signals.push(args.signal);
      return token;
    };
    await expect(complete({ code: 'c0de', state }, { exchange, exchangeTimeoutMs: 10_000 })).resolves.toBeNull();
    expect(app.got).toEqual([{ type: tokenMessageType, state, token }]);
    // Its signal is for giving up a late exchange: one that settled is never cancelled after the fact.
    expect(signals.map((signal) => signal.aborted)).toEqual([false]);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(signals.map((signal) => signal.aborted)).toEqual([false]);
    app.close();
  });

  it('says server_timeout, not a failed exchange, when the exchange rejects as its signal aborts at exchangeTimeoutMs', async () => {
    const app = listenAsTheApp();
    // As fetch does: rejects with the signal's reason the moment it aborts.
    const exchange = (_code: string, _state: string, args: { signal: AbortSignal }) =>
      new Promise<string>((_, reject) => args.signal.addEventListener('abort', () => reject(new TypeError('Failed to fetch'))));
    const done = complete({ code: 'c0de', state }, { exchange, exchangeTimeoutMs: 10_000 });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).resolves.toBe('server_timeout');
    expect(app.got).toEqual([{ type: errorMessageType, state, error: 'server_timeout' }]);
  });

  it('sends nothing and says so when the URL has no state, or neither code nor error', async () => {
    await expect(complete({ code: 'c0de' })).rejects.toThrow('This page expects a Google sign-in code.');
    await expect(complete({ state })).rejects.toThrow('This page expects a Google sign-in code.');
    expect(bus.sent).toEqual([]);
  });
});

describe('completeGoogleSignIn with an opener', () => {
  it('posts to the opener at our own origin only, and on the channel too, and resolves on the receipt', async () => {
    const posted: Array<[unknown, string]> = [];
    const opener = { postMessage: (message: unknown, target: string) => void posted.push([message, target]) } as Window;
    const app = listenAsTheApp();
    await complete({ code: 'c0de', state }, { opener });
    expect(posted).toEqual([[{ type: tokenMessageType, state, token }, origin]]);
    expect(bus.sent.filter(({ data }) => (data as { type: string }).type === tokenMessageType)).toEqual([
      { name: channel, data: { type: tokenMessageType, state, token } },
    ]);
    app.close();
    expect(bus.openChannels()).toEqual([]);
  });

  it('says it again on the channel until the receipt: an opener reloading in that moment missed the window message', async () => {
    const opener = { postMessage: () => {} } as unknown as Window; // the old page, unloading: nobody hears it
    const done = complete({ code: 'c0de', state }, { opener });
    await vi.advanceTimersByTimeAsync(2_000);
    const app = listenAsTheApp(); // the reloaded page's resumeSignIn, once loaded
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(app.got).toEqual([{ type: tokenMessageType, state, token }]);
    app.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says the studio did not answer when no receipt comes, rather than that it is done', async () => {
    const opener = { postMessage: () => {} } as unknown as Window;
    const done = complete({ code: 'c0de', state }, { opener, receiptTimeoutMs: 3_000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await done).toEqual(new Error(gone));
    expect(bus.openChannels()).toEqual([]);
  });
});

describe('completeGoogleSignIn without BroadcastChannel (an old browser)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('still answers an opener it has, and says the studio did not answer when it has none', async () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const posted: unknown[] = [];
    const opener = { postMessage: (message: unknown) => void posted.push(message) } as Window;
    await complete({ code: 'c0de', state }, { opener, BroadcastChannel: undefined });
    expect(posted).toEqual([{ type: tokenMessageType, state, token }]);
    await expect(complete({ code: 'c0de', state }, { BroadcastChannel: undefined })).rejects.toThrow(
      'The studio window that asked for this sign-in did not answer.',
    );
  });
});

describe('completeGoogleSignIn and the receipt', () => {
  it('takes no other message for the receipt: not one for another sign-in, nor its own answer', async () => {
    const app = new bus.BroadcastChannel(channel);
    app.addEventListener('message', () => {
      app.postMessage({ type: receiptMessageType, state: 'another-sign-in' });
      app.postMessage({ type: tokenMessageType, state, token });
    });
    const done = complete({ code: 'c0de', state }, { receiptTimeoutMs: 3_000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await done).toBeInstanceOf(Error);
    app.close();
  });

  it('rejects with the error of posting the answer (channel or opener), and leaves nothing open nor unhandled', async () => {
    class Refusing extends bus.BroadcastChannel {
      override postMessage(): void {
        throw new DOMException('The object could not be cloned.', 'DataCloneError');
      }
    }
    const refusingOpener = {
      postMessage: () => {
        throw new DOMException('The object could not be cloned.', 'DataCloneError');
      },
    } as unknown as Window;
    for (const args of [{ BroadcastChannel: Refusing }, { opener: refusingOpener }]) {
      const done = complete({ code: 'c0de', state }, args).catch((e: unknown) => e);
      expect(await done).toMatchObject({ name: 'DataCloneError' });
    }
    await vi.advanceTimersByTimeAsync(10_000);
    expect(bus.openChannels()).toEqual([]);
  });
});

describe('the handshake, both halves', () => {
  it('brings the token from a callback page with no opener to the window that opened the popup', async () => {
    const opener = createOpenerWindow(bus, origin);
    const pending = openSignInPopup({ url: `${origin}/auth/google/consent?state=${state}`, state, host: opener.host });
    opener.popups[0]!.closed = true; // COOP: open, but reads closed
    await vi.advanceTimersByTimeAsync(1_000);
    await complete({ code: 'c0de', state });
    await expect(pending).resolves.toBe(token);
    expect(bus.openChannels()).toEqual([]);
  });

  it("brings the user's cancel back as PopupCancelledError at once", async () => {
    const opener = createOpenerWindow(bus, origin);
    const pending = openSignInPopup({ url: `${origin}/auth/google/consent?state=${state}`, state, host: opener.host });
    await complete({ error: 'access_denied', state });
    await expect(pending).rejects.toBeInstanceOf(PopupCancelledError);
  });
  // A backend that answers without `access_token` (or with no JWT): the opener takes no such message, so it waited the
  // popup's whole 120 s, while the callback page said "Done" and closed.
  // So is an exchange that throws before it returns a promise (a function, not an async one).
  const throwing = () => {
    throw new Error('api is not defined');
  };
  it.each([[async () => undefined], [async () => ''], [async () => 'opaque-token'], [async () => ({ access_token: token })], [throwing]])(
    '%#: an exchange that gives no JWT reaches the app at once as exchange_failed',
    async (exchange) => {
      const opener = createOpenerWindow(bus, origin);
      const pending = openSignInPopup({ url: `${origin}/auth/google/consent?state=${state}`, state, host: opener.host });
      const outcome = pending.catch((e: unknown) => e);
      const page = complete({ code: 'c0de', state }, { exchange: exchange as never });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await Promise.race([outcome, Promise.resolve('still waiting')])).toEqual(
        new ReauthError(
          'Signing in with Google did not finish: the server could not finish it (exchange_failed). Press Reconnect to try again.',
          { code: 'exchange_failed' },
        ),
      );
      // The app took the answer: the page heard its receipt, and closes.
      await expect(page).resolves.toBe('exchange_failed');
      expect(bus.sent.map(({ data }) => data)).not.toContainEqual(expect.objectContaining({ type: tokenMessageType }));
    },
  );
  // The app's exchange with a bug of its own: fetch's words are the network's, any other TypeError is the page's mistake.
  const bug = () => {
    throw new TypeError('exchange is not a function');
  };
  const unreachable = "Signing in with Google did not finish: the studio's server could not be reached (server_unreachable).";
  it.each([
    ['a TypeError thrown by its own bug', bug, 'the server could not finish it (exchange_failed).', false],
    [
      'a TypeError rejected by its own bug',
      () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'access_token')")),
      'the server could not finish it (exchange_failed).',
      false,
    ],
    ["fetch's TypeError", () => Promise.reject(new TypeError('Failed to fetch')), unreachable, true],
    [
      "an error caused by the network's (a gateway's own page)",
      () => Promise.reject(new Error('Signing in with Google failed (502).', { cause: new TypeError('The gateway answered 502.') })),
      unreachable,
      true,
    ],
  ])('%s: the studio hears what it says, and waits offline only for the network', async (_, exchange, words, offline) => {
    const opener = createOpenerWindow(bus, origin);
    const pending = openSignInPopup({ url: `${origin}/auth/google/consent?state=${state}`, state, host: opener.host });
    const outcome = pending.catch((e: unknown) => e);
    await complete({ code: 'c0de', state }, { exchange });
    const error = await outcome;
    expect((error as Error).message).toContain(words);
    // What the session does with it: waits offline for the backend, or counts a failed sign-in and says so.
    expect(isUnreachableFailure(error)).toBe(offline);
  });

  it('tells the opener, within its own wait, that the server did not answer: the popup under COOP cannot be closed by it', async () => {
    const opener = createOpenerWindow(bus, origin);
    const pending = openSignInPopup({ url: `${origin}/auth/google/consent?state=${state}`, state, host: opener.host });
    const outcome = pending.catch((e: unknown) => e);
    opener.popups[0]!.closed = true; // COOP: open, but reads closed
    const page = complete({ code: 'c0de', state }, { exchange: () => new Promise<string>(() => {}) });
    await vi.advanceTimersByTimeAsync(60_000); // half the popup's default two minutes
    expect(await Promise.race([outcome, Promise.resolve('still waiting')])).toEqual(
      new ReauthError(
        "Signing in with Google did not finish: the studio's server did not answer in time (server_timeout). Press Reconnect to try again.",
        { code: 'server_timeout' },
      ),
    );
    await expect(page).resolves.toBe('server_timeout');
  });
});

describe('a callback page for a sign-in the studio gave up', () => {
  const stopped = 'The studio stopped waiting for this sign-in. Close this window, and sign in from the studio if it still asks you to.';
  /** The origin's localStorage, which the studio and its callback page share even when COOP cut the popup off. */
  const originStorage = memoryStorage;
  /** A sign-in the studio waits for with a signal it may give up by, the window's COOP keeping it from the studio. */
  function openCutOff() {
    const localStorage = originStorage();
    const opener = createOpenerWindow(bus, origin);
    const stop = new AbortController();
    const pending = openSignInPopup({
      url: `${origin}/auth/google/consent?state=${state}`,
      state,
      signal: stop.signal,
      host: { ...opener.host, localStorage },
    });
    return { localStorage, opener, stop, outcome: pending.catch((e: unknown) => e) };
  }
  const giveUps: Array<[string, (stop: AbortController) => Promise<unknown>]> = [
    ['its wait timed out', () => vi.advanceTimersByTimeAsync(120_000)],
    ['it gave the sign-in up (signed out, left the page)', async (stop) => stop.abort(new Error('signed out'))],
  ];
  it.each(giveUps)('says at once that the studio stopped waiting when %s, and trades no code', async (_, giveUp) => {
    const { localStorage, opener, stop, outcome } = openCutOff();
    opener.popups[0]!.closed = true; // COOP: the studio cannot close the window, and the user finishes in it
    await giveUp(stop);
    expect(await outcome).toBeInstanceOf(Error);
    const exchange = vi.fn(async () => token);
    const page = complete({ code: 'c0de', state }, { exchange, localStorage }).catch((e: unknown) => e);
    // No timer runs: no wait for a receipt that cannot come.
    await Promise.resolve();
    await Promise.resolve();
    expect(await Promise.race([page, Promise.resolve('still waiting')])).toEqual(new Error(stopped));
    expect(exchange).not.toHaveBeenCalled();
    expect(bus.sent).toEqual([]);
    expect(bus.openChannels()).toEqual([]);
  });

  // Left by hand, another version or another library of the origin: the next sign-in given up is still said to be over.
  it.each(['null', 'not json', '"a string"', '[]'])('says so too when the record of sign-ins over held %s', async (record) => {
    const { localStorage, stop, outcome } = openCutOff();
    localStorage.setItem('quiet-session:sign-ins-over', record);
    stop.abort(new Error('signed out'));
    expect(await outcome).toBeInstanceOf(Error);
    const page = complete({ code: 'c0de', state }, { localStorage }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await Promise.race([page, Promise.resolve('still waiting')])).toEqual(new Error(stopped));
  });

  it('says so too when the studio gives it up while the code is traded', async () => {
    const { localStorage, stop, outcome } = openCutOff();
    let traded: (token: string) => void = () => {};
    const page = complete({ code: 'c0de', state }, { exchange: () => new Promise((resolve) => (traded = resolve)), localStorage }).catch(
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(0);
    stop.abort(new Error('signed out'));
    expect(await outcome).toBeInstanceOf(Error);
    traded(token);
    await vi.advanceTimersByTimeAsync(0);
    expect(await Promise.race([page, Promise.resolve('still waiting')])).toEqual(new Error(stopped));
    expect(bus.sent.map(({ data }) => data)).not.toContainEqual(expect.objectContaining({ type: tokenMessageType }));
  });

  it('says so to a second window that answers a sign-in already answered (Try again left the first open)', async () => {
    const localStorage = originStorage();
    const opener = createOpenerWindow(bus, origin);
    const pending = openSignInPopup({ url: `${origin}/auth/google/consent?state=${state}`, state, host: { ...opener.host, localStorage } });
    await complete({ code: 'c0de', state }, { localStorage });
    await expect(pending).resolves.toBe(token);
    const exchange = vi.fn(async () => token);
    const second = complete({ code: 'c0de-2', state }, { exchange, localStorage }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await Promise.race([second, Promise.resolve('still waiting')])).toEqual(new Error(stopped));
    expect(exchange).not.toHaveBeenCalled();
  });
});

describe('completeGoogleSignIn, given a wait no timer can make', () => {
  // `receiptTimeoutMs: Infinity` for "wait for the app": setTimeout fires at once past 2^31-1 ms, so the page would say the app is gone.
  it.each([
    ['receiptTimeoutMs', Number.POSITIVE_INFINITY, 0],
    ['receiptTimeoutMs', -1, 0],
    ['exchangeTimeoutMs', Number.POSITIVE_INFINITY, 1],
    ['exchangeTimeoutMs', 0, 1],
  ] as const)('%s %s: rejects with a TypeError that says what to give, before the code is spent', async (name, ms, least) => {
    const exchange = vi.fn(async () => token);
    const done = complete({ code: 'c0de', state }, { [name]: ms, exchange }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await done).toEqual(
      new TypeError(
        `completeGoogleSignIn: options.${name} must be a number of milliseconds from ${least} to 2^31-1 (2147483647), got ${ms}.`,
      ),
    );
    expect(exchange).not.toHaveBeenCalled();
  });
});
