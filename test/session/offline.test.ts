/** @vitest-environment happy-dom */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import type { AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { track } from '../support/outcomes.ts';

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

  it("takes a call's network failure for offline: that call rejects as fetch did, the next ones wait and go once the backend answers", async () => {
    const h = session();
    backend.network.down = true;
    const out = await h.client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
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
