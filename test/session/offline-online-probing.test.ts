/** @vitest-environment happy-dom */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { track } from '../support/outcomes.ts';

const layer = layerOnFakeBackend();
const { backend } = layer;

/** Lets every promise settle that can (msw answers within a few macrotasks). */
const settle = async () => {
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

// The browser's `online` while a probe is out on the network that was gone (a hung connection, a Wi-Fi switched).
describe("the browser's online, heard while a probe is out", () => {
  it('probes again at once: the call made offline goes, not a timeout and a backoff later', async () => {
    const clock = new SimulatedClock();
    const h = layer.session({ clock });
    backend.network.down = true;
    window.dispatchEvent(new Event('offline'));
    const generate = track(
      h.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
    );
    // A few probes find nothing: the backoff has grown to 8 s.
    for (let second = 0; second < 7; second++) {
      clock.increment(1_000);
      await settle();
    }
    expect(h.client.actor.getSnapshot().matches({ offline: 'waiting' })).toBe(true);
    // The next probe hangs on the dead connection.
    h.control.validateOutcome = new Promise<never>(() => {});
    clock.increment(8_000);
    await settle();
    expect(h.client.actor.getSnapshot().matches({ offline: 'probing' })).toBe(true);

    backend.network.down = false;
    h.control.validateOutcome = 'backend';
    window.dispatchEvent(new Event('online')); // the network is back
    await settle();
    clock.increment(0);
    await settle();
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect(generate.value?.status).toBe(200);
  });
});

// The backend went away and came back: the browser said nothing (it was online all along).
describe('someone using the page while the backend is away', () => {
  /** A session that found the backend gone; its probes found nothing, and the backoff has grown to 16 s. */
  async function awayForAWhile(clock: SimulatedClock) {
    const h = layer.session({ clock });
    backend.network.down = true;
    // A write out when it went: it rejects, and the session is offline.
    await h.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{}' }).catch(() => {});
    for (let second = 0; second < 15; second++) {
      clock.increment(1_000);
      await settle();
    }
    expect(h.client.actor.getSnapshot().matches({ offline: 'waiting' })).toBe(true);
    backend.network.down = false;
    return h;
  }
  const generate = (h: ReturnType<typeof layer.session>) =>
    track(h.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }));

  it('asks at once whether it is back when they press a key: what was held goes, not after the backoff', async () => {
    const clock = new SimulatedClock();
    const h = await awayForAWhile(clock);
    const held = generate(h);
    await settle();
    expect(held.settled).toBe(false);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    await settle();
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect(held.value?.status).toBe(200);
  });

  it('leaves a page nobody uses to its backoff: a poll made then waits for the next probe', async () => {
    const clock = new SimulatedClock();
    const h = await awayForAWhile(clock);
    const poll = track(h.client.authFetch(`${API}/api/credits`));
    await settle();
    clock.increment(0);
    await settle();
    expect(poll.settled).toBe(false);
    clock.increment(16_000);
    await settle();
    expect(poll.value?.status).toBe(200);
  });
});

// A slow mobile network: every check takes longer than validationTimeoutMs, and the network works.
describe('a network slower than the validation timeout', () => {
  it('gives each probe longer, and comes back by itself with what was held', async () => {
    const clock = new SimulatedClock();
    const h = layer.session({
      clock,
      // Answers after 8 s, past the 5 s limit of a first check.
      validate: ({ signal }) =>
        new Promise<boolean>((resolve) => {
          const id = clock.setTimeout(() => resolve(true), 8_000);
          signal.addEventListener('abort', () => clock.clearTimeout(id));
        }),
    });
    backend.network.down = true;
    const held = track(h.client.authFetch(`${API}/api/a`));
    await settle();
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(true);
    backend.network.down = false;
    for (let second = 0; second < 60 && !h.client.actor.getSnapshot().matches('active'); second++) {
      clock.increment(1_000);
      await settle();
    }
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect(held.value?.status).toBe(200);
  });
});
