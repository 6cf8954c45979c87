/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { callOutcome, track } from '../support/outcomes.ts';

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
  it('with a signal that is no AbortSignal: rejects with fetch’s TypeError, and the session stays online', async () => {
    const h = layer.session({ clock: new SimulatedClock() });
    const bad = await h.client.authFetch(`${API}/api/search`, { signal: {} as AbortSignal }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TypeError);
    expect(String(bad)).toMatch(/AbortSignal/);
    expect(h.client.actor.getSnapshot().matches('offline')).toBe(false);
    expect(backend.apiRequests('/api/search')).toHaveLength(0);
  });
});

describe('a request that fetch refuses to build, made while the session waits for a sign-in', () => {
  it.each<[string, [string, RequestInit?]]>([
    ['a URL with credentials', ['https://ada:pw@api.test/api/search']],
    ['a GET with a body', [`${API}/api/search`, { body: 'ring' }]],
    ['a method that is no token', [`${API}/api/search`, { method: 'GET ALL' }]],
    ['a signal that is no AbortSignal', [`${API}/api/search`, { signal: {} as AbortSignal }]],
  ])('%s: rejects at once with the TypeError fetch rejects with, and is never held', async (_name, args) => {
    const h = layer.session();
    h.expire();
    h.client.authFetch(`${API}/api/credits`).catch(() => {});
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    // fetch's first step builds a Request (msw's fetch in this file would let a GET's body through).
    const refused = (() => {
      try {
        new Request(...args);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(TypeError);
    expect(await callOutcome(h.client.authFetch(...args))).toBe(String(refused));
    expect(h.client.actor.getSnapshot().context.queue).toHaveLength(1);
  });
});

describe('a Request that fetch built and began to send', () => {
  it.each([
    ['with no body', () => new Request(`${API}/api/draft`, { method: 'DELETE' })],
    ['whose body the send read before the network failed', () => new Request(`${API}/api/upload`, { method: 'PUT', body: 'photo' })],
  ])('%s: its network failure takes the session offline', async (_, request) => {
    const client = createAuthFetch({
      getToken: () => 'ada-token',
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => 'never-used',
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (input) => {
        await (input as Request).arrayBuffer();
        throw new TypeError('Failed to fetch');
      },
    });
    const out = await client.authFetch(request()).catch((e: unknown) => e);
    expect(out).toBeInstanceOf(TypeError);
    expect(client.actor.getSnapshot().matches('offline')).toBe(true);
    client.stop();
  });
});
