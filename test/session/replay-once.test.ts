/** @vitest-environment node */
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { API, handAnsweredSession, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { callOutcome } from '../support/outcomes.ts';

describe('a call answered 401 is sent again once', () => {
  const layer = layerOnFakeBackend();
  const { backend, server } = layer;

  it('replays a spurious 401 once with the current token', async () => {
    const { client, validate } = layer.session();
    server.use(http.get(`${API}/api/once`, () => HttpResponse.json({}, { status: 401 }), { once: true }));
    const response = await client.authFetch(`${API}/api/once`);
    expect(response.status).toBe(200);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
  });

  it('returns a second 401 to its caller instead of looping', async () => {
    const { client, validate } = layer.session();
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

  it('replays a 401 for an old token at once with the new one, without validating', async () => {
    const { client, store, validate } = layer.session();
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

  it('sends a call in flight again when only the token changed (a refresh in another tab), and the session goes on', async () => {
    const { client, sends } = handAnsweredSession({ validate: async () => true });
    const call = client.authFetch(`${API}/api/credits`);
    client.adoptToken('alice-token-2');
    sends[0]!.answer(401);
    await vi.waitFor(() => expect(sends).toHaveLength(2));
    sends[1]!.answer(200);
    expect(await callOutcome(call)).toBe('answered 200');
    expect(sends.map((s) => s.authorization)).toEqual(['Bearer alice-token', 'Bearer alice-token-2']);
    client.stop();
  });
});
