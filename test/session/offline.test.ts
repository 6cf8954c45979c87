/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { selectWaitingForNetwork } from '../../src/lib/session/selectors.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { track } from '../support/outcomes.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const layer = layerOnFakeBackend();
const { backend } = layer;

function session(overrides?: Partial<AuthFetchOptions>) {
  const clock = new SimulatedClock();
  return { ...layer.session({ clock, ...overrides }), clock };
}

/** Lets every promise settle that can (msw answers within a few macrotasks). */
const settle = async () => {
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

const post = (h: ReturnType<typeof session>, path: string) =>
  h.client.authFetch(`${API}${path}`, {
    method: 'POST',
    body: '{"prompt":"a sapphire ring"}',
    headers: { 'content-type': 'application/json' },
  });

describe('offline', () => {
  it('holds a call made while the browser says it is offline, never sends it, and sends it once when the browser is back', async () => {
    const h = session();
    window.dispatchEvent(new Event('offline'));
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(true);

    const generate = track(post(h, '/api/generate'));
    await settle();
    expect(generate.settled).toBe(false);
    expect(backend.apiRequests('/api/generate')).toEqual([]);

    window.dispatchEvent(new Event('online'));
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(generate.value?.status).toBe(200);
    expect(backend.apiRequests('/api/generate')).toHaveLength(1);
    expect(new TextDecoder().decode(backend.apiRequests('/api/generate')[0]!.body)).toBe('{"prompt":"a sapphire ring"}');
  });

  it('forgets that the backend was unreachable once a probe answers: a later sign-out holds no call', async () => {
    const h = session();
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    await waitFor(h.client.actor, (s) => s.matches('active'));
    h.client.endSession();
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect((await h.client.authFetch(`${API}/api/credits`)).status).toBe(200);
  });

  it('starts offline when the browser already is: the first call waits for the network, never sent before', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const h = session();
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(true);
    const generate = track(post(h, '/api/generate'));
    await settle();
    expect(generate.settled).toBe(false);
    expect(backend.received).toEqual([]);
    vi.restoreAllMocks();

    window.dispatchEvent(new Event('online'));
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(generate.value?.status).toBe(200);
    expect(backend.apiRequests('/api/generate')).toHaveLength(1);
  });

  it("takes a write's network failure for offline: that call rejects as fetch did, the next ones wait and go once the backend answers", async () => {
    const h = session();
    backend.network.down = true;
    const out = await post(h, '/api/save').catch((error: unknown) => error);
    // It may have reached the backend: not sent again, its caller decides.
    expect(out).toBeInstanceOf(TypeError);
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(true);

    const generate = track(post(h, '/api/generate'));
    await settle();
    expect(generate.settled).toBe(false);
    expect(backend.received).toEqual([]);

    backend.network.down = false;
    h.clock.increment(1_000); // the first probe
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(generate.value?.status).toBe(200);
    expect(backend.apiRequests('/api/generate')).toHaveLength(1);
    expect(h.validate).toHaveBeenCalledTimes(1);
  });

  it("takes no error but fetch's TypeError for the network's failure: a fetch wrapper's own error leaves the next calls going", async () => {
    const timedOut = new Error('Request timed out'); // as ky's TimeoutError: the wrapper gave up, the network may be fine
    let first = true;
    const h = session({
      fetch: (input, init) => {
        if (!first) return fetch(input, init);
        first = false;
        return Promise.reject(timedOut);
      },
    });
    await expect(h.client.authFetch(`${API}/api/credits`)).rejects.toBe(timedOut);
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect((await h.client.authFetch(`${API}/api/credits`)).status).toBe(200);
  });

  it('probes the backend with a growing backoff while it stays unreachable, never in a loop', async () => {
    const h = session({ limits: { validationBackoffMs: 1_000 } });
    backend.network.down = true;
    window.dispatchEvent(new Event('offline'));
    const generate = track(post(h, '/api/generate'));
    const probesAt: number[] = [];
    h.validate.mockImplementation(async () => {
      probesAt.push(h.clock.now());
      throw new TypeError('Failed to fetch');
    });
    for (let second = 0; second < 120; second++) {
      h.clock.increment(1_000);
      await settle();
    }
    // 1, 2, 4, 8, 16, 32 s apart, then a minute at most.
    expect(probesAt.map((at, i) => at - (probesAt[i - 1] ?? 0))).toEqual(
      [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 57_000].slice(0, probesAt.length),
    );
    expect(probesAt.length).toBeGreaterThanOrEqual(6);
    expect(generate.settled).toBe(false);
    expect(h.client.actor.getSnapshot().matches('needsReauth')).toBe(false);
  });

  it('says it waits for the network all through a probe, not only between probes, until the backend answers', async () => {
    const h = session({ limits: { validationBackoffMs: 1_000 } });
    window.dispatchEvent(new Event('offline'));
    const generate = track(post(h, '/api/generate'));
    let answer!: (valid: boolean) => void;
    h.validate.mockImplementation(() => new Promise<boolean>((resolve) => (answer = resolve)));
    const waiting = () => selectWaitingForNetwork(h.client.actor.getSnapshot());
    expect(waiting()).toBe(true);
    h.clock.increment(1_000);
    await waitFor(h.client.actor, (s) => s.matches({ offline: 'probing' }));
    expect(waiting()).toBe(true);
    answer(true);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    expect(waiting()).toBe(false);
    await settle();
    expect(generate.value?.status).toBe(200);
  });

  it('takes a validation that hangs past its timeout for an unreachable backend: the calls wait, and go when a probe answers', async () => {
    const h = session({ validationTimeoutMs: 200 });
    h.expire();
    let hang = true;
    const real = h.validate.getMockImplementation()!;
    h.validate.mockImplementation((args) => (hang ? new Promise<never>(() => {}) : real(args)));
    const call = track(h.client.authFetch(`${API}/api/item/1`));
    await waitFor(h.client.actor, (s) => s.matches({ validating: 'checking' }));
    h.clock.increment(200);
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(true);
    expect(h.validate.mock.calls[0]![0].signal.aborted).toBe(true);

    hang = false;
    backend.valid.add('t1'); // the token was fine all along
    h.clock.increment(1_000);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(call.value?.status).toBe(200);
  });

  it('takes a validation that gave up at its own timeout (AbortSignal.timeout) for an unreachable backend, not a server error', async () => {
    const h = session();
    h.expire();
    h.control.validateOutcome = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const call = track(h.client.authFetch(`${API}/api/item/1`));
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    expect(h.client.actor.getSnapshot().context.unreachable).toBe(true);

    h.control.validateOutcome = 'backend';
    backend.valid.add('t1'); // the token was fine all along
    h.clock.increment(1_000);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(call.value?.status).toBe(200);
  });

  it('shows the banner, not the offline line, when the backend is back and the token expired meanwhile', async () => {
    const h = session();
    window.dispatchEvent(new Event('offline'));
    const generate = track(post(h, '/api/generate'));
    h.expire();
    window.dispatchEvent(new Event('online'));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    h.client.reconnect();
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(generate.value?.status).toBe(200);
    expect(backend.apiRequests('/api/generate')).toHaveLength(1);
  });

  it('lets held calls go when the validation keeps answering with a server error: their own answers settle them', async () => {
    const h = session({ limits: { validationRetries: 1, validationBackoffMs: 1_000 } });
    h.expire();
    h.control.validateOutcome = new Error('Checking the session failed (503).');
    const call = track(h.client.authFetch(`${API}/api/item/1`));
    await waitFor(h.client.actor, (s) => s.matches({ validating: 'retrying' }));
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(false);
    h.clock.increment(1_000);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    // The token is dead: the call got its one replay and its 401 back; no banner, no hang.
    expect(call.value?.status).toBe(401);
    expect(h.validate).toHaveBeenCalledTimes(2);
  });

  it('starts a fresh spell with its whole budget: the failures of the last one are forgotten', async () => {
    const h = session({ limits: { validationRetries: 1, validationBackoffMs: 1_000 } });
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    await waitFor(h.client.actor, (s) => s.matches('active'));
    expect(h.client.actor.getSnapshot().context.validationFailures).toBe(0);
    window.dispatchEvent(new Event('offline'));
    expect(h.client.actor.getSnapshot().context.validationFailures).toBe(1);
  });
});

/** The sessions below are made by hand, each on a fetch of its own: stopped after each test. */
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.restoreAllMocks();
});

/** Lets the promises of a hand-made session's calls settle: no msw behind them, five turns do. */
const settleCalls = async () => {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

// Only the backend's answer to a probe ends offline: nothing else lets the held calls go.
describe('offline, left without a word from the backend', () => {
  /** A session whose backend is down: every send and every validation fails at the network. */
  function sessionWithBackendDown() {
    let token: string | null = 't1';
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: () => Promise.reject(new TypeError('Failed to fetch')),
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (input) => {
        sent.push(String(input));
        throw new TypeError('Failed to fetch');
      },
    });
    stops.push(client.stop);
    const signOut = () => {
      token = null;
      client.endSession();
    };
    return { client, sent, signOut };
  }

  // Another tab's token says nothing of the network: the calls still wait for the backend.
  it('keeps the calls made offline when another tab hands over a token', async () => {
    const { client, sent } = sessionWithBackendDown();
    await client.authFetch(`${API}/api/credits`, { method: 'POST' }).catch(() => {}); // a write fails at the network: offline
    expect(client.actor.getSnapshot().matches('offline')).toBe(true);

    const generate = client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{}' });
    generate.catch(() => {});
    client.adoptToken('t2'); // another tab signed in
    await settleCalls();
    expect(sent).toEqual([`${API}/api/credits`]);
  });

  // A sign-out rejects what was held, but the network is as gone as before.
  it('keeps the calls made after a sign-out while offline', async () => {
    const { client, sent, signOut } = sessionWithBackendDown();
    await client.authFetch(`${API}/api/credits`, { method: 'POST' }).catch(() => {}); // a write fails at the network: offline
    signOut();
    void client.authFetch(`${API}/api/public-feed`).catch(() => {});
    await settleCalls();
    expect(sent).toEqual([`${API}/api/credits`]);
  });
});

// A replay is a call like any other: its network failure is word that the backend is gone.
describe('a replay that fails at the network', () => {
  it('takes the session offline like any call', async () => {
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => 't1',
      setToken: () => {},
      validate: async () => true, // the 401 was a fluke: the token is good
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (input) => {
        sent.push(new URL(String(input)).pathname);
        if (sent.length === 1) return new Response(null, { status: 401 });
        throw new TypeError('Failed to fetch'); // the network is gone from the replay on
      },
    });
    stops.push(client.stop);
    const credits = track(client.authFetch(`${API}/api/credits`));
    await waitFor(client.actor, (s) => s.matches('offline'));

    void client.authFetch(`${API}/api/generate`).catch(() => {});
    await settleCalls();
    expect(sent).toEqual(['/api/credits', '/api/credits']);
    expect(credits.settled).toBe(false); // its replay was cut off: a GET waits for the network again
  });
});

// Word that the network is gone counts in every state, not only in `active`.
describe('word that the network is gone, outside active', () => {
  /** A JWT for ada that expires at `expMs` (the session's clock starts at 0). */
  const jwt = (expMs: number) => unsignedJwt({ sub: 'ada', exp: expMs / 1000 });

  // `reauthenticating.renewing` sends as `active` does, so it hears a call's network failure as `active` does.
  it('stops the calls while renewing before expiry', async () => {
    const clock = new SimulatedClock();
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => jwt(600_000),
      setToken: () => {},
      validate: async () => true,
      reauthenticate: () => new Promise<string>(() => {}), // the popup stays open
      allowedOrigins: [API],
      expiryLeadMs: 60_000,
      remindBeforeMs: 120_000,
      clock,
      fetch: async (input) => {
        sent.push(new URL(String(input)).pathname);
        throw new TypeError('Failed to fetch');
      },
    });
    stops.push(client.stop);
    clock.increment(480_000); // the reminder is due
    client.actor.send({ type: 'user.active' }); // someone uses the page: the notice asks
    client.reconnect(); // "Stay signed in": the popup opens, calls still go
    expect(client.actor.getSnapshot().matches({ reauthenticating: 'renewing' })).toBe(true);

    await expect(client.authFetch(`${API}/api/credits`, { method: 'POST' })).rejects.toBeInstanceOf(TypeError);
    void client.authFetch(`${API}/api/generate`).catch(() => {});
    await settleCalls();
    expect(sent).toEqual(['/api/credits']);
  });

  // The browser's offline, heard while validating, outlives a sign-out: the calls made after it still wait.
  it('is not forgotten by a sign-out while validating', async () => {
    let token: string | null = 't1';
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => token,
      setToken: () => {},
      validate: () => new Promise<boolean>(() => {}), // out when the network goes
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (input) => {
        sent.push(new URL(String(input)).pathname);
        if (sent.length === 1) return new Response(null, { status: 401 });
        throw new TypeError('Failed to fetch');
      },
    });
    stops.push(client.stop);
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await settleCalls();
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    client.actor.send({ type: 'network.offline' }); // the browser's offline (what its listener sends)
    token = null;
    client.endSession(); // the user signs out
    void client.authFetch(`${API}/api/public-feed`).catch(() => {});
    await settleCalls();
    expect(sent).toEqual(['/api/credits']);
  });
});

// Nobody signed in: an offline spell ends with the backend's answer, never with "Session expired".
describe('offline while nobody is signed in', () => {
  it('asks no one to reconnect when the network is back: the calls made meanwhile go without a token', async () => {
    const h = session();
    h.store.token = null; // signed out (or never signed in): the sign-in page
    h.client.endSession();
    window.dispatchEvent(new Event('offline'));
    const feed = track(h.client.authFetch(`${API}/api/public-feed`));
    window.dispatchEvent(new Event('online'));
    await waitFor(h.client.actor, (s) => !s.matches('offline'));
    await settle();
    expect(h.client.actor.getSnapshot().matches('needsReauth')).toBe(false);
    expect(feed.settled).toBe(true);
    expect(backend.apiRequests('/api/public-feed')).toHaveLength(1);
    expect(backend.apiRequests('/api/public-feed')[0]!.authorization).toBeNull();
  });
});
