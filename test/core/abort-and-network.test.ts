/** @vitest-environment node */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { API, createFakeBackend, startServer } from '../support/fake-backend.ts';
import { createHarness, track } from '../support/session-harness.ts';

const backend = createFakeBackend();
const server = startServer(backend);
let stop: () => void = () => {};

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  stop();
  backend.received.length = 0;
  backend.valid.clear();
  backend.valid.add('t1');
});
afterAll(() => server.close());

function expiredSession(overrides?: Parameters<typeof createHarness>[1]) {
  const h = createHarness(backend, overrides);
  stop = h.client.stop;
  h.expire();
  return h;
}

describe('B8 aborting a held request', () => {
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

describe('B9 a failed validation is not an expiry', () => {
  function recordStates(h: ReturnType<typeof expiredSession>) {
    const seen: string[] = [];
    h.client.actor.subscribe((s) => seen.push(Object.keys(s.value === 'active' ? { active: 1 } : s.value)[0]!));
    return seen;
  }

  it('waits offline, retries on `online` and after a backoff, then lets held requests settle', async () => {
    const clock = new SimulatedClock();
    const h = expiredSession({ clock, limits: { validationRetries: 2, validationBackoffMs: 1_000 } });
    h.control.validateOutcome = new TypeError('Failed to fetch');
    const seen = recordStates(h);
    const calls = [1, 2, 3].map((i) => h.client.authFetch(`${API}/api/item/${i}`));
    await waitFor(h.client.actor, (s) => s.matches({ validating: 'offline' }) && s.context.queue.length === 3);
    expect(h.validate).toHaveBeenCalledTimes(1);

    h.client.actor.send({ type: 'network.online' }); // what the browser's `online` event does
    await waitFor(h.client.actor, (s) => s.matches({ validating: 'offline' }) && s.context.validationFailures === 2);
    expect(h.validate).toHaveBeenCalledTimes(2);

    clock.increment(1_999); // the second wait is 2 s: not yet
    expect(h.validate).toHaveBeenCalledTimes(2);
    clock.increment(1);
    const settled = await Promise.allSettled(calls);
    expect(h.validate).toHaveBeenCalledTimes(3);
    // The token really is dead: each request gets its one replay and its 401 back; no banner, no hang.
    expect(settled.map((s) => s.status === 'fulfilled' && s.value.status)).toEqual([401, 401, 401]);
    expect(seen).not.toContain('needsReauth');
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it('lets held requests go when validation hangs past its timeout', async () => {
    const h = expiredSession({ validationTimeoutMs: 200, limits: { validationRetries: 0 } });
    h.control.validateOutcome = new Promise<never>(() => {});
    const seen = recordStates(h);
    const call = h.client.authFetch(`${API}/api/item/1`);
    await waitFor(h.client.actor, (s) => s.matches('validating'));
    backend.valid.add('t1'); // the network came back and the token was fine all along
    expect((await call).status).toBe(200);
    expect(seen).not.toContain('needsReauth');
    expect(h.validate.mock.calls[0]![0].signal.aborted).toBe(true);
  });
});
