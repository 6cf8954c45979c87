/** @vitest-environment happy-dom */
import { afterEach, expect, it, vi } from 'vitest';
import {
  createAuthFetch,
  createSignInState,
  createTabSync,
  openSignInPopup,
  selectBannerView,
  selectReminderView,
} from '../../src/lib/session/index.ts';
import { errorMessageType, signInChannelName, tokenMessageType } from '../../src/lib/session/popup-message.ts';
import { createFakeLocks } from '../support/fake-locks.ts';
import { createChannelBus, createOpenerWindow } from '../support/fake-sign-in-windows.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { liveListeners } from '../support/live-listeners.ts';

const API = 'https://api.test';
/** Days of one tab's life: each an expiry, a sign-in, an offline spell, the other tabs' word (2,000 hold too; these take a few seconds). */
const days = 500;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** A tab open for weeks: one session, its tab sync, the sign-in popup's doubles, and a backend that expires tokens. */
function weeksOpenTab() {
  const bus = createChannelBus();
  vi.stubGlobal('BroadcastChannel', bus.BroadcastChannel);
  const opener = createOpenerWindow(bus);
  const onWindow = liveListeners(window);
  const onDocument = liveListeners(document);
  const valid = new Set<string>();
  const net = { offline: false, hangOnce: false };
  let iat = Math.floor(Date.now() / 1000);
  /** A token the backend accepts, issued now (a whole second after the last) and good for ten minutes. */
  const mint = () => {
    iat = Math.max(iat + 1, Math.floor(Date.now() / 1000));
    const token = unsignedJwt({ sub: 'ada', iat, exp: iat + 600 });
    valid.add(token);
    return token;
  };
  const store = { token: mint() as string | null };
  const shared = new Map<string, string>();
  const signIns: string[] = [];
  const sync = createTabSync(
    {
      validate: async ({ token, signal }) => {
        if (net.offline) throw new TypeError('Failed to fetch');
        if (net.hangOnce) {
          net.hangOnce = false;
          // A backend that never answers: fetch rejects once the session gives up on it.
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        }
        return token !== null && valid.has(token);
      },
      reauthenticate: ({ signal }) => {
        const state = createSignInState();
        signIns.push(state);
        return openSignInPopup({ url: `https://studio.test/auth/google/login?state=${state}`, state, signal, host: opener.host });
      },
    },
    {
      name: 'app',
      locks: createFakeLocks(),
      storage: { getItem: (k) => shared.get(k) ?? null, setItem: (k, v) => void shared.set(k, v) },
    },
  );
  const client = createAuthFetch({
    getToken: () => store.token,
    setToken: (token) => void (store.token = token),
    validate: sync.validate,
    reauthenticate: sync.reauthenticate,
    allowedOrigins: [API],
    fetch: async (input, init) => {
      if (net.offline) throw new TypeError('Failed to fetch');
      const auth = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('authorization');
      const status = auth && valid.has(auth.slice(7)) ? 200 : 401;
      return new Response('{}', { status, headers: { date: new Date(Date.now() + 2_000).toUTCString() } });
    },
  });
  const disconnect = sync.connect(client);
  return { bus, opener, onWindow, onDocument, valid, net, mint, store, signIns, sync, client, disconnect };
}

type Tab = ReturnType<typeof weeksOpenTab>;

/** Lets the timers and promises run until `done()` says so (at most `ms` of the tab's time). */
async function until(done: () => boolean, ms = 10_000, step = 10) {
  for (let waited = 0; !done() && waited < ms; waited += step) await vi.advanceTimersByTimeAsync(step);
  expect(done()).toBe(true);
}

/** An answer or an error, as a caller sees it, without an unhandled rejection. */
const outcome = (call: Promise<Response>) => {
  const seen: { status?: number; error?: unknown } = {};
  call.then(
    (response) => void (seen.status = response.status),
    (error: unknown) => void (seen.error = error),
  );
  return seen;
};

/** One of everything a day brings, `i` choosing the variant. */
async function aDay(tab: Tab, i: number, longLived: AbortSignal) {
  const { client, store, valid, net, bus } = tab;
  const snapshot = () => client.actor.getSnapshot();
  // The notice before expiry, someone typing; "Not now".
  await vi.advanceTimersByTimeAsync(400_000);
  window.dispatchEvent(new Event('keydown'));
  await until(() => selectReminderView(snapshot()) === 'reminding', 200_000, 1_000);
  if (i % 4 === 3) {
    // "Stay signed in": the same popup, before anything is held.
    client.reconnect();
    const renewal = tab.signIns.at(-1)!;
    bus.post(signInChannelName(renewal), { type: tokenMessageType, state: renewal, token: tab.mint() });
    await until(() => selectReminderView(snapshot()) === 'hidden');
    await vi.advanceTimersByTimeAsync(480_000);
  } else tab.sync.dismissReminder();

  // A 401: held, validated, expired; one held call aborted; Reconnect, the popup (cancelled once in a while), replay.
  valid.delete(store.token!);
  net.hangOnce = i % 5 === 4;
  const kept = outcome(client.authFetch(`${API}/api/a`, { signal: longLived }));
  const dropping = new AbortController();
  const dropped = outcome(client.authFetch(`${API}/api/b`, { signal: dropping.signal }));
  await until(() => selectBannerView(snapshot()) === 'expired', 30_000);
  dropping.abort();
  client.reconnect();
  if (i % 5 === 1) {
    // The user closes the popup: a hint to try again, which opens another in the same sign-in.
    tab.opener.popups.at(-1)!.close();
    await vi.advanceTimersByTimeAsync(1_000);
  }
  if (i % 7 === 2) {
    // Never answered: the popup times out, Reconnect again.
    await until(() => selectBannerView(snapshot()) === 'expired', 200_000, 1_000);
    client.reconnect();
  }
  if (i % 3 === 0) {
    bus.post(signInChannelName(tab.signIns.at(-1)!), { type: errorMessageType, state: tab.signIns.at(-1)!, error: 'access_denied' });
    await until(() => selectBannerView(snapshot()) === 'expired');
    client.reconnect();
  }
  const state = tab.signIns.at(-1)!;
  bus.post(signInChannelName(state), { type: tokenMessageType, state, token: tab.mint() });
  await until(() => kept.status !== undefined);
  expect(kept.status).toBe(200);
  expect(dropped.error).toBeInstanceOf(DOMException);

  // Offline: the call waits, a probe backs off, online.
  net.offline = true;
  const waiting = outcome(client.authFetch(`${API}/api/c`, { signal: longLived }));
  await vi.advanceTimersByTimeAsync(3_000);
  net.offline = false;
  window.dispatchEvent(new Event('online'));
  await until(() => waiting.status !== undefined);
  expect(waiting.status).toBe(200);

  // Another tab's popup and its token.
  bus.post('app', { type: 'reauth.started' });
  await vi.advanceTimersByTimeAsync(10);
  bus.post('app', { type: 'token', token: tab.mint() });
  bus.post('app', { type: 'reauth.ended' });
  await until(() => selectBannerView(snapshot()) === 'hidden');

  // Signed out in another tab, signed in again.
  if (i % 2 === 0) {
    store.token = null;
    client.endSession({ whileSignedOut: true });
    await vi.advanceTimersByTimeAsync(10);
    client.adoptToken(tab.mint());
  }
  if (i % 10 === 9) {
    // A remount (StrictMode, HMR): tab sync's connection undone and made again.
    tab.disconnect();
    tab.disconnect = tab.sync.connect(client);
  }
  await vi.advanceTimersByTimeAsync(1_000);
}

it('keeps nothing that grows with time in a tab open for weeks, and nothing at all once stopped', async () => {
  vi.useFakeTimers();
  const tab = weeksOpenTab() as Tab & { disconnect: () => void };
  const longLived = new AbortController();
  const onLongLived = liveListeners(longLived.signal);
  const counts = () => ({
    window: tab.onWindow.size,
    document: tab.onDocument.size,
    channels: tab.bus.openChannels().length,
    channelListeners: tab.bus.channelListeners(),
    openerListeners: tab.opener.windowListeners(),
    longLivedSignal: onLongLived.size,
    timers: vi.getTimerCount(),
    actorObservers: (tab.client.actor as unknown as { observers: Set<unknown> }).observers.size,
    // The chart's context: its queue empty, no array in it growing.
    contextItems: Object.values(tab.client.actor.getSnapshot().context)
      .filter(Array.isArray)
      .reduce((sum, items) => sum + items.length, 0),
  });
  const settled = async () => {
    await vi.advanceTimersByTimeAsync(10_000);
    return counts();
  };
  await aDay(tab, 0, longLived.signal);
  const early = await settled();
  for (let i = 1; i < days; i++) await aDay(tab, i, longLived.signal);
  const late = await settled();
  expect(late).toEqual(early);
  const { context } = tab.client.actor.getSnapshot();
  expect(context.queue).toEqual([]);
  expect(tab.client.report().entries.length).toBeLessThanOrEqual(300);

  tab.client.stop();
  await vi.advanceTimersByTimeAsync(0);
  expect(counts()).toEqual({
    ...counts(),
    window: 0,
    document: 0,
    channels: 0,
    channelListeners: 0,
    openerListeners: 0,
    longLivedSignal: 0,
    timers: 0,
    actorObservers: 0,
  });
}, 30_000);
