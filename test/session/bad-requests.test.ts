/** @vitest-environment node */
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

describe('a request that fetch refuses to build (it never left the page)', () => {
  it('is its caller’s mistake: the backend is reachable, and the next calls go at once', async () => {
    const h = layer.session({ clock: new SimulatedClock() });
    // fetch rejects with a TypeError before sending anything: a URL may not carry credentials.
    const bad = await h.client.authFetch('https://ada:pw@api.test/api/search').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TypeError);

    const credits = track(h.client.authFetch(`${API}/api/credits`));
    await settle();
    // The backend answered every request it got; nothing says it cannot be reached.
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(false);
    expect(backend.apiRequests('/api/credits')).toHaveLength(1);
    expect(credits.value?.status).toBe(200);
  });
});
