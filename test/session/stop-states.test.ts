/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createAuthFetch,
  createSignInState,
  createTabSync,
  openSignInPopup,
  selectReminderView,
  type AuthFetchOptions,
} from '../../src/lib/session/index.ts';
import { createFakeLocks } from '../support/fake-locks.ts';
import { createChannelBus, createOpenerWindow } from '../support/fake-sign-in-windows.ts';
import { liveListeners } from '../support/live-listeners.ts';
import { unhandledDuring } from '../support/outcomes.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const API = 'https://api.test';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/**
 * One tab wired as the app wires it, on fake time: tab sync with its locks and channel, the sign-in popup on a
 * double of the window (its sessionStorage record included), and a backend that answers `status.code`.
 */
function wiredTab(
  overrides: {
    validate?: AuthFetchOptions['validate'];
    fetch?: typeof fetch;
    reauthenticate?: AuthFetchOptions['reauthenticate'];
    expiresInS?: number;
  } = {},
) {
  vi.useFakeTimers();
  const onPage = [liveListeners(window), liveListeners(document)];
  const bus = createChannelBus();
  vi.stubGlobal('BroadcastChannel', bus.BroadcastChannel);
  const opener = createOpenerWindow(bus);
  const record = new Map<string, string>();
  const host = {
    ...opener.host,
    sessionStorage: {
      getItem: (key: string) => record.get(key) ?? null,
      setItem: (key: string, value: string) => void record.set(key, value),
      removeItem: (key: string) => void record.delete(key),
    },
  };
  const locks = createFakeLocks();
  const iat = Math.floor(Date.now() / 1000) - 3_000;
  const store = { token: unsignedJwt({ sub: 'ada', iat, exp: iat + 3_000 + (overrides.expiresInS ?? 3_600) }) as string | null };
  const status = { code: 200 };
  const sync = createTabSync(
    {
      validate: overrides.validate ?? (async () => false),
      reauthenticate:
        overrides.reauthenticate ??
        (({ signal }) => {
          const state = createSignInState();
          return openSignInPopup({ url: `https://studio.test/auth/google/login?state=${state}`, state, signal, host });
        }),
    },
    { name: 'app', locks, storage: { getItem: () => null, setItem: () => {} } },
  );
  const client = createAuthFetch({
    getToken: () => store.token,
    setToken: (token) => void (store.token = token),
    validate: sync.validate,
    reauthenticate: sync.reauthenticate,
    allowedOrigins: [API],
    fetch: overrides.fetch ?? (async () => new Response('{}', { status: status.code })),
  });
  sync.connect(client);
  const othersLocks = new Set<string>();
  /** Another tab takes the lock `name` and never lets go (a frozen tab). */
  const otherTabHolds = (name: string) => {
    othersLocks.add(name);
    void locks.request(name, {}, () => new Promise(() => {})).catch(() => {});
  };
  const is = (state: Parameters<ReturnType<typeof client.actor.getSnapshot>['matches']>[0]) => client.actor.getSnapshot().matches(state);
  /** A call answered 401, the session then checking its token. */
  const expire = async () => {
    status.code = 401;
    void client.authFetch(`${API}/api/first`).catch(() => {});
    await vi.advanceTimersByTimeAsync(1);
  };
  /** What is left of the tab: the answers shared with the other tabs are held answerTtlMs, one timer each, on purpose. */
  const left = () => {
    const sharedAnswers = [...locks.held].filter((name) => name.startsWith('app:answer:')).length;
    return {
      timers: vi.getTimerCount() - sharedAnswers,
      pageListeners: onPage.flatMap((live) => [...live]),
      channels: bus.openChannels(),
      popupWindowListeners: opener.windowListeners(),
      openPopups: opener.popups.filter((popup) => !popup.closed).length,
      signInRecord: [...record.keys()],
      ownLocks: [...locks.held].filter((name) => !name.startsWith('app:answer:') && !othersLocks.has(name)),
    };
  };
  return { client, bus, opener, otherTabHolds, is, expire, left };
}
type WiredTab = ReturnType<typeof wiredTab>;

const nothingLeft = { timers: 0, pageListeners: [], channels: [], popupWindowListeners: 0, openPopups: 0, signInRecord: [], ownLocks: [] };
const never = <T>() => new Promise<T>(() => {});
const offline = async () => {
  throw new TypeError('Failed to fetch');
};

const states: Array<[string, Parameters<typeof wiredTab>[0], (tab: WiredTab) => Promise<void>]> = [
  ['active, its expiry and reminder timers armed', {}, async ({ is }) => expect(is({ active: 'quiet' })).toBe(true)],
  [
    'reminding, the notice up',
    { expiresInS: 100 },
    async ({ client }) => {
      window.dispatchEvent(new Event('keydown'));
      await vi.advanceTimersByTimeAsync(1);
      expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
    },
  ],
  [
    'renewing, the popup open before expiry',
    { expiresInS: 100 },
    async ({ client, is }) => {
      window.dispatchEvent(new Event('keydown'));
      await vi.advanceTimersByTimeAsync(1);
      client.reconnect();
      await vi.advanceTimersByTimeAsync(1);
      expect(is({ reauthenticating: 'renewing' })).toBe(true);
    },
  ],
  [
    'validating, its validation holding the lock and never answered',
    { validate: never },
    async ({ expire, is }) => {
      await expire();
      expect(is({ validating: 'checking' })).toBe(true);
    },
  ],
  [
    'validating, waiting for the lock another tab holds',
    {},
    async ({ expire, is, otherTabHolds }) => {
      otherTabHolds('app:validate');
      await expire();
      expect(is({ validating: 'checking' })).toBe(true);
    },
  ],
  [
    'retrying after the backend erred',
    {
      validate: async () => {
        throw new Error('500');
      },
    },
    async ({ expire, is }) => {
      await expire();
      expect(is({ validating: 'retrying' })).toBe(true);
    },
  ],
  [
    'offline, waiting to probe',
    { fetch: offline },
    async ({ expire, is }) => {
      await expire();
      expect(is({ offline: 'waiting' })).toBe(true);
    },
  ],
  [
    'offline, a probe out and never answered',
    { fetch: offline, validate: never },
    async ({ expire, is }) => {
      await expire();
      window.dispatchEvent(new Event('online'));
      expect(is({ offline: 'probing' })).toBe(true);
    },
  ],
  [
    'needsReauth, the banner up',
    {},
    async ({ expire, is }) => {
      await expire();
      expect(is({ needsReauth: 'waiting' })).toBe(true);
    },
  ],
  [
    'needsReauth, cooling down after sign-ins failed',
    {
      reauthenticate: async () => {
        throw new Error('refused');
      },
    },
    async ({ client, expire, is }) => {
      await expire();
      while (!is({ needsReauth: 'coolingDown' })) {
        client.reconnect();
        await vi.advanceTimersByTimeAsync(1);
      }
    },
  ],
  [
    'reauthenticating, the popup open',
    {},
    async ({ client, expire, is, opener }) => {
      await expire();
      client.reconnect();
      await vi.advanceTimersByTimeAsync(1);
      expect(is({ reauthenticating: 'holding' })).toBe(true);
      expect(opener.popups).toHaveLength(1);
    },
  ],
  [
    "needsReauth, following another tab's popup",
    {},
    async ({ bus, expire, is, otherTabHolds }) => {
      otherTabHolds('app:reauth');
      bus.post('app', { type: 'reauth.started' });
      await expire();
      expect(is({ needsReauth: 'elsewhere' })).toBe(true);
    },
  ],
];

describe('stop()', () => {
  it.each(states)('in %s, settles every call and leaves no timer, listener, channel, lock or record', async (_state, overrides, reach) => {
    const tab = wiredTab(overrides);
    await reach(tab);
    const caller = new AbortController();
    const onSignal = liveListeners(caller.signal);
    const call = tab.client.authFetch(`${API}/api/b`, { signal: caller.signal }).then(
      (response) => `answered ${response.status}`,
      (error: Error) => error.name,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(tab.left()).not.toEqual(nothingLeft);
    const unhandled = await unhandledDuring(async () => {
      tab.client.stop();
      tab.client.stop();
      await vi.advanceTimersByTimeAsync(0);
      expect([...onSignal]).toEqual([]);
      // Aborted once the session is over: its call settled already, and nothing listens.
      caller.abort();
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(tab.left()).toEqual(nothingLeft);
    expect(await call).toMatch(/^(AuthExpiredError|answered 200)$/);
    expect(unhandled).toEqual([]);
  });
});

describe('stop() from inside a callback', () => {
  /** Runs `story` with `stop` bound to its tab's, then says how its calls ended and what is left. */
  async function storyEnds(
    overrides: (stop: () => void) => Parameters<typeof wiredTab>[0],
    story: (tab: WiredTab) => Promise<Array<Promise<string>>>,
  ) {
    let stop = () => {};
    const tab = wiredTab(overrides(() => stop()));
    stop = tab.client.stop;
    let outcomes: string[] = [];
    const unhandled = await unhandledDuring(async () => {
      const calls = await story(tab);
      await vi.advanceTimersByTimeAsync(1);
      outcomes = await Promise.all(calls);
    });
    return { outcomes, status: tab.client.actor.getSnapshot().status, left: tab.left(), unhandled };
  }
  /** How `call` ended, read from the moment it is made: its rejection is handled. */
  const outcome = (call: Promise<Response>) =>
    call.then(
      (response) => `answered ${response.status}`,
      (error: Error) => error.name,
    );
  const stoppedClean = (outcomes: string[]) => ({ outcomes, status: 'done', left: nothingLeft, unhandled: [] });

  it('reauthenticate, before it returns: the held call rejects', async () => {
    const ends = await storyEnds(
      (stop) => ({
        reauthenticate: () => {
          stop();
          return never<string>();
        },
      }),
      async ({ client, expire }) => {
        await expire();
        const held = outcome(client.authFetch(`${API}/api/held`));
        client.reconnect();
        return [held];
      },
    );
    expect(ends).toEqual(stoppedClean(['AuthExpiredError']));
  });

  it("the caller's abort listener of a held call: every held call rejects", async () => {
    const ends = await storyEnds(
      () => ({}),
      async ({ client, expire }) => {
        await expire();
        const caller = new AbortController();
        caller.signal.addEventListener('abort', () => client.stop());
        const calls = [outcome(client.authFetch(`${API}/api/a`, { signal: caller.signal })), outcome(client.authFetch(`${API}/api/b`))];
        await vi.advanceTimersByTimeAsync(0);
        caller.abort();
        return calls;
      },
    );
    expect(ends).toEqual(stoppedClean(['AuthExpiredError', 'AuthExpiredError']));
  });

  it('fetch, sending a held call again: that call gets its answer, the one still held rejects', async () => {
    let sends = 0;
    const renewal = unsignedJwt({ sub: 'ada', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3_600 });
    const ends = await storyEnds(
      (stop) => ({
        reauthenticate: async () => renewal,
        validate: async ({ token }) => token === renewal,
        fetch: async (_input, init) => {
          const renewed = new Headers(init?.headers).get('authorization') === `Bearer ${renewal}`;
          if (renewed && ++sends === 1) stop();
          return new Response('{}', { status: renewed ? 200 : 401 });
        },
      }),
      async ({ client }) => {
        const calls = [outcome(client.authFetch(`${API}/api/a`)), outcome(client.authFetch(`${API}/api/b`))];
        await vi.advanceTimersByTimeAsync(1);
        client.reconnect();
        return calls;
      },
    );
    expect(ends.outcomes.sort()).toEqual(['AuthExpiredError', 'answered 200']);
    expect(ends).toEqual(stoppedClean(ends.outcomes));
  });
});
