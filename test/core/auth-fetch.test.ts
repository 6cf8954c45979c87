/** @vitest-environment node */
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { AuthExpiredError } from '../../src/lib/session/errors.ts';
import { API, OTHER, createFakeBackend, startServer } from '../support/fake-backend.ts';
import { createHarness, track } from '../support/session-harness.ts';

const backend = createFakeBackend();
const server = startServer(backend);
const clients: Array<{ stop: () => void }> = [];

function harness(overrides?: Parameters<typeof createHarness>[1]) {
  const h = createHarness(backend, overrides);
  clients.push(h.client);
  return h;
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  clients.splice(0).forEach((c) => c.stop());
  server.resetHandlers();
  backend.received.length = 0;
  backend.valid.clear();
  backend.valid.add('t1');
});
afterAll(() => server.close());

describe('B4 a valid session replays once', () => {
  it('replays a spurious 401 once with the current token', async () => {
    const { client, validate } = harness();
    server.use(http.get(`${API}/api/once`, () => HttpResponse.json({}, { status: 401 }), { once: true }));
    const response = await client.authFetch(`${API}/api/once`);
    expect(response.status).toBe(200);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it('returns a second 401 to its caller instead of looping', async () => {
    const { client, validate } = harness();
    let sends = 0;
    server.use(
      http.get(`${API}/api/forbidden-ish`, () => {
        sends += 1;
        return HttpResponse.json({ detail: 'no' }, { status: 401 });
      }),
    );
    const response = await client.authFetch(`${API}/api/forbidden-ish`);
    expect(response.status).toBe(401);
    expect(sends).toBe(2);
    expect(validate).toHaveBeenCalledTimes(1);
  });
});

describe('B7 a 401 for an old token', () => {
  it('replays at once with the new token, without validating', async () => {
    const { client, store, validate } = harness();
    const slow = backend.gate('slow');
    const call = client.authFetch(`${API}/api/slow`, { headers: { 'x-gate': 'slow' } });
    await slow.reached;
    store.token = 't9';
    backend.valid.add('t9');
    slow.open(401);
    const response = await call;
    expect(response.status).toBe(200);
    expect(backend.apiRequests('/api/slow').map((r) => r.authorization)).toEqual(['Bearer t1', 'Bearer t9']);
    expect(validate).not.toHaveBeenCalled();
  });
});

describe('stop()', () => {
  it('rejects held requests and later calls with AuthExpiredError', async () => {
    const { client, expire } = harness();
    expire();
    const call = client.authFetch(`${API}/api/credits`);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.stop();
    await expect(call).rejects.toBeInstanceOf(AuthExpiredError);
    await expect(client.authFetch(`${API}/api/credits`)).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'stopped' });
  });
});
