/** @vitest-environment happy-dom */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { AuthExpiredError, type AuthFetchInit, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { callOutcome, track } from '../support/outcomes.ts';

const layer = layerOnFakeBackend();
const { backend } = layer;

/** Lets every promise settle that can (msw answers within a few macrotasks). */
const settle = async () => {
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** A session whose calls (not its validations) go through `fetch`, which counts each send to `/api/…`. */
function session(fetch: AuthFetchOptions['fetch'] = globalThis.fetch) {
  const clock = new SimulatedClock();
  const sends: string[] = [];
  const h = layer.session({
    clock,
    fetch: (input, init) => {
      sends.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return fetch!(input, init);
    },
  });
  return { ...h, clock, sends };
}

// A call with a safe method (RFC 9110 §9.2.1) may be sent again: it waits with the calls made offline.
describe('a call that is out when the network fails', () => {
  it.each<[string, AuthFetchInit | undefined]>([
    ['a GET of a URL alone', undefined],
    ['a GET with an init', { headers: { accept: 'application/json' } }],
    ['a HEAD', { method: 'HEAD' }],
    ['an OPTIONS', { method: 'OPTIONS' }],
  ])('waits for the backend, %s: answered by it once it is back, sent twice in all', async (_what, init) => {
    const h = session();
    backend.network.down = true;
    const credits = track(h.client.authFetch(`${API}/api/credits`, init));
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    await settle();
    expect(credits.settled).toBe(false);
    // Pictured as a call to send, as one made offline is.
    expect(h.client.actor.getSnapshot().context.queue.map((held) => held.reason)).toEqual(['unsent']);

    backend.network.down = false;
    h.clock.increment(1_000); // the first probe
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(credits.error).toBeUndefined();
    expect(credits.value?.status).toBe(200);
    expect(h.sends).toEqual(['/api/credits', '/api/credits']);
    expect(backend.apiRequests('/api/credits')[0]!.authorization).toBe('Bearer t1');
  });

  it("rejects a write with fetch's TypeError, as it may have reached the backend: sent once", async () => {
    const h = session();
    backend.network.down = true;
    const generate = h.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{}' });
    await expect(generate).rejects.toBeInstanceOf(TypeError);
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(true);

    backend.network.down = false;
    h.clock.increment(1_000);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(h.sends).toEqual(['/api/generate']);
  });

  it('waits again for a GET whose replay is cut off too (a flaky network): answered once the network holds', async () => {
    let cutOffs = 2;
    const h = session((input, init) => (cutOffs-- > 0 ? Promise.reject(new TypeError('Failed to fetch')) : fetch(input, init)));
    const credits = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    h.clock.increment(1_000); // the probe answers: the call is sent again, and cut off again
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    await settle();
    expect(credits.settled).toBe(false);

    h.clock.increment(1_000);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(credits.error).toBeUndefined();
    expect(credits.value?.status).toBe(200);
    expect(h.sends).toEqual(['/api/credits', '/api/credits', '/api/credits']);
  });

  it('rejects a GET cut off at each of its three sends with the last failure: a route that always fails cannot loop', async () => {
    // The network fails for this call alone (a CORS-broken route): the probes answer, each replay fails again.
    let failures = 0;
    const h = session(() => Promise.reject(new TypeError(`Failed to fetch (${++failures})`)));
    const credits = track(h.client.authFetch(`${API}/api/credits`));
    for (const _replay of [1, 2]) {
      await waitFor(h.client.actor, (s) => s.matches('offline'));
      await settle();
      expect(credits.settled).toBe(false);
      h.clock.increment(1_000); // the probe answers: the call is sent again, and fails again
    }
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    await settle();
    expect(credits.error).toBeInstanceOf(TypeError);
    expect((credits.error as TypeError).message).toBe('Failed to fetch (3)');

    h.clock.increment(1_000); // the backend answers again: nothing is left to send
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(h.sends).toEqual(['/api/credits', '/api/credits', '/api/credits']);
  });

  it("rejects a GET sent with replay: false at once, with fetch's TypeError: sent once", async () => {
    const h = session();
    backend.network.down = true;
    await expect(h.client.authFetch(`${API}/api/credits`, { replay: false })).rejects.toBeInstanceOf(TypeError);
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(true);

    backend.network.down = false;
    h.clock.increment(1_000);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(h.sends).toEqual(['/api/credits']);
  });

  it('rejects a GET out at a sign-out that the network then cuts off at once: it is not held for the next user', async () => {
    let cut: (error: TypeError) => void = () => {};
    const h = session(() => new Promise<Response>((_, reject) => (cut = reject)));
    const credits = track(h.client.authFetch(`${API}/api/credits`));
    await settle();
    h.client.endSession();
    cut(new TypeError('Failed to fetch'));
    await settle();
    // As a 401 after the sign-out is: never sent again, and nothing waits on screen for it.
    expect(credits.error).toBeInstanceOf(AuthExpiredError);
    expect((credits.error as AuthExpiredError).reason).toBe('signed-out');
    expect(h.client.report().held).toBe(0);
    expect(h.sends).toEqual(['/api/credits']);
  });

  it("rejects an OPTIONS whose body is a stream at once, with fetch's TypeError: it cannot be sent again", async () => {
    const h = session();
    backend.network.down = true;
    const body = new Blob(['{"probe":1}']).stream();
    const init = { method: 'OPTIONS', body, duplex: 'half' } as AuthFetchInit;
    const options = track(h.client.authFetch(`${API}/api/credits`, init));
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    await settle();
    // Not held until the backend is back, to be refused then as if it had met a 401.
    expect(options.error).toBeInstanceOf(TypeError);
    expect(h.client.report().held).toBe(0);
  });

  it("rejects a GET aborted while it waits with its signal's reason, and never sends it again", async () => {
    const h = session();
    backend.network.down = true;
    const controller = new AbortController();
    const credits = track(h.client.authFetch(`${API}/api/credits`, { signal: controller.signal }));
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    await settle();
    const reason = new Error('the user left the page');
    controller.abort(reason);
    await settle();
    expect(credits.error).toBe(reason);

    backend.network.down = false;
    h.clock.increment(1_000);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(h.sends).toEqual(['/api/credits']);
  });
});

// The token may die while the network is gone, after the probe that said yes (a race): its replay's 401 is the session's.
describe("a GET's replay after the network failed, answered 401", () => {
  /** A session whose first `cutOffs` sends of a GET fail at the network; the token dies as the next one goes. */
  function cutOffThenExpired(cutOffs: number) {
    const h = session((input, init) => {
      if (cutOffs-- > 0) return Promise.reject(new TypeError('Failed to fetch'));
      if (cutOffs === -1) h.expire(); // just after the probe said yes
      return fetch(input, init);
    });
    return h;
  }

  it.each([
    ['cut off once', 1],
    ['cut off again (a flaky network), then answered on its last send', 2],
  ])('waits for the reconnect, %s: answered by the backend with the new token, never the 401', async (_what, cutOffs) => {
    const h = cutOffThenExpired(cutOffs);
    const credits = h.client.authFetch(`${API}/api/credits`);
    for (let cut = 0; cut < cutOffs; cut++) {
      await waitFor(h.client.actor, (s) => s.matches({ offline: 'waiting' }) && s.context.queue.length === 1);
      h.clock.increment(1_000); // the probe answers with t1 still good: the GET is sent again
    }
    // As a 401 on a first send: held, the token checked, the user asked to reconnect; no error on screen.
    expect(await callOutcome(credits)).toBe('still pending');
    expect(h.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
    expect(h.client.actor.getSnapshot().context.queue.map((held) => held.reason)).toEqual(['unauthorized']);

    h.client.reconnect();
    expect(await callOutcome(credits)).toBe('answered 200');
    expect(backend.apiRequests('/api/credits').map((r) => r.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
    expect(h.sends).toHaveLength(cutOffs + 2);
  });

  it('gives its caller a second 401 after the one replay: the route refuses a token the backend vouches for, no loop', async () => {
    let cut = true;
    const h = session(async () => {
      if (cut) throw new TypeError('Failed to fetch');
      return new Response(null, { status: 401 });
    });
    const credits = h.client.authFetch(`${API}/api/credits`);
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    cut = false;
    h.clock.increment(1_000); // the probe answers: the GET is sent again, answered 401, checked, sent once more
    expect((await credits).status).toBe(401);
    expect(h.sends).toEqual(['/api/credits', '/api/credits', '/api/credits']);
    expect(h.validate).toHaveBeenCalledTimes(2); // the probe, then the 401's one check
  });

  it('rejects with the network’s error when its replays after the reconnect are cut off: three sends from the 401, no loop', async () => {
    const h = session((input, init) => {
      if (h.sends.length > 1) return Promise.reject(new TypeError('Failed to fetch')); // a route the network always cuts
      h.expire(); // the token dies as the first send goes: a 401
      return fetch(input, init);
    });
    const credits = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    h.client.reconnect();
    await waitFor(h.client.actor, (s) => s.matches({ offline: 'waiting' }) && s.context.queue.length === 1);
    expect(credits.settled).toBe(false); // a flaky network: held again
    h.clock.increment(1_000); // the probe answers: the replay is sent again, and cut off again
    await settle();
    expect(String(credits.error)).toBe('TypeError: Failed to fetch');
    expect(h.sends).toHaveLength(3); // the 401, then its replay sent twice
  });
});

// The replay may be the first answer since the backend went away: its `Date` tells the backend's clock as any answer's.
describe("the answer to a GET's replay after the network failed", () => {
  /** A session whose GET is cut off, then replayed to a `status` answer stamped with the backend's clock 10 minutes ahead. */
  async function replayedTo(status: number) {
    let cut = true;
    const ahead = (at: number) => new Date(at + 600_000).toUTCString();
    const h = session(async (input, init) => {
      if (cut) throw new TypeError('Failed to fetch');
      await globalThis.fetch(input, init);
      return new Response(null, { status, headers: { date: ahead(h.clock.now()) } });
    });
    const credits = track(h.client.authFetch(`${API}/api/credits`));
    await waitFor(h.client.actor, (s) => s.matches('offline'));
    cut = false;
    h.clock.increment(1_000); // the probe answers: the GET is sent again
    await waitFor(h.client.actor, (s) => s.matches('active'));
    await settle();
    expect(credits.value?.status).toBe(status);
    return h.client.actor.getSnapshot().context.clockOffsetMs;
  }

  it("moves the session to the backend's clock at once when it is a 401: the token may be dead by that clock", async () => {
    expect(Math.abs((await replayedTo(401)) - 600_000)).toBeLessThan(2_000);
  });

  it('waits for a second answer to agree when it is not: one answer is no proof of a clock that moved', async () => {
    expect(await replayedTo(200)).toBe(0);
  });
});
