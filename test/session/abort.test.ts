/** @vitest-environment node */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { callOutcome, track } from '../support/outcomes.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const layer = layerOnFakeBackend();
const { backend } = layer;

function expiredSession() {
  const h = layer.session();
  h.expire();
  return h;
}

describe('aborting a held request', () => {
  it('listens once to a signal its held calls share, as long as it holds them', async () => {
    const h = expiredSession();
    const page = new AbortController(); // one signal for all of a page's calls, as an app keeps it
    const init = { signal: page.signal, headers: { accept: 'application/json' } };
    void h.client.authFetch(`${API}/api/first`);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    const calls = [1, 2, 3].map((n) => h.client.authFetch(`${API}/api/item/${n}`, init));
    await waitFor(h.client.actor, (s) => s.context.queue.length === 4);
    expect(getEventListeners(page.signal, 'abort')).toHaveLength(1);
    h.client.reconnect();
    expect((await Promise.all(calls)).map((response) => response.status)).toEqual([200, 200, 200]);
  });

  // Node warns of a leak from 11 listeners on one target: a page's signal on 50 held calls is no leak.
  it('rejects each of 50 calls held on one signal with its reason, from one listener and with no leak warning', async () => {
    const warnings: string[] = [];
    const warned = (warning: Error) => warnings.push(warning.name);
    process.on('warning', warned);
    try {
      const h = expiredSession();
      const page = new AbortController();
      const first = h.client.authFetch(`${API}/api/first`);
      await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
      const calls = Array.from({ length: 50 }, (_, n) =>
        h.client.authFetch(`${API}/api/item/${n}`, { signal: page.signal }).catch((e: unknown) => e),
      );
      await waitFor(h.client.actor, (s) => s.context.queue.length === 51);
      expect(getEventListeners(page.signal, 'abort')).toHaveLength(1);
      const reason = new Error('user left the page');
      page.abort(reason);
      expect((await Promise.all(calls)).every((error) => error === reason)).toBe(true);
      expect(getEventListeners(page.signal, 'abort')).toHaveLength(0);
      expect(h.client.actor.getSnapshot().context.queue.map((r) => r.url)).toEqual([`${API}/api/first`]);
      await new Promise((resolve) => setImmediate(resolve)); // Node emits its warning a tick after the listener it counts
      expect(warnings).not.toContain('MaxListenersExceededWarning');
      h.client.reconnect();
      expect((await first).status).toBe(200);
      expect(backend.apiRequests('/api/item/0')).toHaveLength(0);
    } finally {
      process.off('warning', warned);
    }
  });

  it('gives each session back only its own calls when sessions share the signal', async () => {
    const one = expiredSession();
    const two = expiredSession();
    const page = new AbortController();
    for (const h of [one, two]) {
      h.client.authFetch(`${API}/api/first`).catch(() => {});
      await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    }
    const calls = [one, two, one].map((h, n) =>
      h.client.authFetch(`${API}/api/item/${n}`, { signal: page.signal }).catch((e: unknown) => e),
    );
    await waitFor(one.client.actor, (s) => s.context.queue.length === 3);
    await waitFor(two.client.actor, (s) => s.context.queue.length === 2);
    expect(getEventListeners(page.signal, 'abort')).toHaveLength(1);
    page.abort();
    expect((await Promise.all(calls)).map((error) => (error as DOMException).name)).toEqual(['AbortError', 'AbortError', 'AbortError']);
    expect([one, two].map((h) => h.client.actor.getSnapshot().context.queue.length)).toEqual([1, 1]);
    expect(getEventListeners(page.signal, 'abort')).toHaveLength(0);
  });

  it('rejects it with an AbortError, never sends it, and leaves the others alone', async () => {
    const h = expiredSession();
    const controller = new AbortController();
    const first = h.client.authFetch(`${API}/api/first`);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    const aborted = h.client.authFetch(`${API}/api/aborted`, { signal: controller.signal });
    const other = h.client.authFetch(`${API}/api/other`);
    await waitFor(h.client.actor, (s) => s.context.queue.length === 3);

    controller.abort();
    const error = await aborted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(h.client.actor.getSnapshot().context.queue.map((r) => r.url)).toEqual([`${API}/api/first`, `${API}/api/other`]);

    h.client.reconnect();
    expect((await first).status).toBe(200);
    expect((await other).status).toBe(200);
    expect(backend.apiRequests('/api/aborted')).toHaveLength(0);
  });

  it("rejects with the signal's own reason when it has one", async () => {
    const h = expiredSession();
    const first = track(h.client.authFetch(`${API}/api/first`));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    const reason = new Error('user navigated away');
    const controller = new AbortController();
    const aborted = h.client.authFetch(`${API}/api/aborted`, { signal: controller.signal });
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(first.settled).toBe(false);
  });

  it('rejects at once when the signal was aborted before the call', async () => {
    const h = expiredSession();
    h.client.authFetch(`${API}/api/first`).catch(() => {});
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    await expect(h.client.authFetch(`${API}/api/x`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(h.client.actor.getSnapshot().context.queue).toHaveLength(1);
  });
});

describe("the caller's signal, once its calls are answered", () => {
  const stops = stoppedAfterEach();

  it('keeps no listener on it from calls the network cut off and that were sent again', async () => {
    const net = { down: true };
    const client = createAuthFetch({
      getToken: () => 'ada-1',
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => 'ada-2',
      allowedOrigins: [API],
      fetch: async () => {
        if (net.down) throw new TypeError('Failed to fetch');
        return new Response('{}');
      },
    });
    stops.push(client.stop);
    const page = new AbortController(); // one signal for all of a page's calls, as an app keeps it
    const init = { signal: page.signal, headers: { accept: 'application/json' } };
    const calls = Array.from({ length: 20 }, (_, n) => client.authFetch(`${API}/api/item/${n}`, init));
    await waitFor(client.actor, (s) => s.matches('offline') && s.context.queue.length === 20);
    net.down = false;
    client.actor.send({ type: 'network.online' });
    expect(new Set((await Promise.all(calls)).map((response) => response.status))).toEqual(new Set([200]));
    expect(getEventListeners(page.signal, 'abort')).toHaveLength(0);
  });

  it('keeps none across 10,000 calls answered, held and replayed, aborted while held, and cut off', async () => {
    const backend = { valid: 'ada-1', signIns: 1, down: false };
    let token: string | null = backend.valid;
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: async ({ token: asked }) => {
        if (backend.down) throw new TypeError('Failed to fetch');
        return asked === backend.valid;
      },
      reauthenticate: async () => (backend.valid = `ada-${++backend.signIns}`),
      allowedOrigins: [API],
      fetch: async (_input, init) => {
        if (backend.down) throw new TypeError('Failed to fetch');
        return new Response('{}', { status: new Headers(init?.headers).get('authorization') === `Bearer ${backend.valid}` ? 200 : 401 });
      },
    });
    stops.push(client.stop);
    const page = new AbortController();
    const dropped: AbortSignal[] = [];
    const some = <T>(n: number, call: (i: number) => T) => Array.from({ length: n }, (_, i) => call(i));
    const send = (i: number) =>
      client.authFetch(`${API}/api/item/${i}`, i % 2 ? { signal: page.signal } : { signal: page.signal, method: 'POST', body: '{}' });
    for (let round = 0; round < 100; round++) {
      await Promise.all(some(20, send));
      // The token expires at the backend: calls answered 401 and calls made meanwhile are held; some are aborted.
      backend.valid = 'none';
      const held = some(30, send);
      const aborting = some(10, () => new AbortController());
      dropped.push(...aborting.map((controller) => controller.signal));
      const aborted = aborting.map((controller, i) =>
        client.authFetch(`${API}/api/dropped/${i}`, { signal: controller.signal }).catch(() => {}),
      );
      await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 40);
      for (const controller of aborting) controller.abort();
      client.reconnect();
      await Promise.all([...held, ...aborted]);
      // The network goes: the calls out are held, and sent again once it is back.
      backend.down = true;
      const cutOff = some(40, (i) => client.authFetch(`${API}/api/item/${i}`, { signal: page.signal }));
      await waitFor(client.actor, (s) => s.matches('offline') && s.context.queue.length === 40);
      backend.down = false;
      client.actor.send({ type: 'network.online' });
      await Promise.all(cutOff);
    }
    expect(getEventListeners(page.signal, 'abort')).toHaveLength(0);
    expect(dropped.filter((signal) => getEventListeners(signal, 'abort').length > 0)).toEqual([]);
  }, 30_000);
});

describe('aborting a call that is sent', () => {
  it('rejects it as fetch does, and is no sign of a network gone: the next call goes at once', async () => {
    const h = layer.session();
    await expect(h.client.authFetch(`${API}/api/credits`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect((await h.client.authFetch(`${API}/api/credits`)).status).toBe(200);
  });

  // fetch rejects with the signal's reason, whatever it is: a TypeError given as the reason is still the caller's abort.
  it.each<[string, (signal: AbortSignal) => [RequestInfo, RequestInit?]]>([
    ['given in init', (signal) => [`${API}/api/slow`, { signal, headers: { 'x-gate': 'slow' } }]],
    ['inside a Request', (signal) => [new Request(`${API}/api/slow`, { signal, headers: { 'x-gate': 'slow' } })]],
  ])('takes an abort whose reason is a TypeError, signal %s, for no network failure', async (_where, args) => {
    const h = layer.session();
    const gate = backend.gate('slow');
    const controller = new AbortController();
    const call = h.client.authFetch(...args(controller.signal));
    await gate.reached;
    const reason = new TypeError('the user closed the dialog');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect(await callOutcome(h.client.authFetch(`${API}/api/credits`))).toBe('answered 200');
    gate.open(200);
  });

  // The signal is aborted by then, but fetch failed with the network's own TypeError, not with the signal's reason.
  it('takes a network failure for one when the caller aborts in the same moment', async () => {
    const controller = new AbortController();
    const failed = new TypeError('Failed to fetch');
    const h = layer.session({
      fetch: async () => {
        controller.abort(); // the caller's own timeout fires as the connection drops
        throw failed;
      },
    });
    await expect(h.client.authFetch(`${API}/api/credits`, { signal: controller.signal })).rejects.toBe(failed);
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(true);
  });
});

// The report and the dev panel show what the chart heard: nothing about calls it never held, or holds no more.
describe('what the chart hears of an aborted call', () => {
  function session(validate: AuthFetchOptions['validate']) {
    let token = 'ada-1';
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate,
      reauthenticate: async () => 'ada-2',
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (_input, init) =>
        new Response('{}', { status: new Headers(init?.headers).get('authorization') === 'Bearer ada-1' ? 401 : 200 }),
    });
    stops.push(client.stop);
    const heard = (event: string) => client.report().entries.filter((entry) => entry.event === event).length;
    return { client, heard };
  }
  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  it('nothing, when it was aborted before the chart was told it was held', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // the turn that tells the chart of later holds
    try {
      const { client, heard } = session(async ({ token }) => token !== 'ada-1');
      void client.authFetch(`${API}/api/first`).catch(() => {});
      await waitFor(client.actor, (s) => s.matches('needsReauth'));
      const controller = new AbortController();
      const aborted = client.authFetch(`${API}/api/aborted`, { signal: controller.signal }).catch((e: unknown) => e);
      controller.abort();
      expect(await aborted).toMatchObject({ name: 'AbortError' });
      vi.runOnlyPendingTimers();
      expect(heard('request.held')).toBe(1);
      expect(client.actor.getSnapshot().context.queue.map((r) => r.url)).toEqual([`${API}/api/first`]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('nothing, when it is aborted after it was let go and answered', async () => {
    const { client, heard } = session(async ({ token }) => token !== 'ada-1');
    const controller = new AbortController();
    const call = client.authFetch(`${API}/api/credits`, { signal: controller.signal });
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    expect((await call).status).toBe(200);
    controller.abort();
    expect(heard('request.aborted')).toBe(0);
  });
});
