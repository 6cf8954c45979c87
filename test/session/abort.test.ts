/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { track } from '../support/outcomes.ts';

const layer = layerOnFakeBackend();
const { backend } = layer;

function expiredSession() {
  const h = layer.session();
  h.expire();
  return h;
}

describe('aborting a held request', () => {
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

describe('aborting a call that is sent', () => {
  it('rejects it as fetch does, and is no sign of a network gone: the next call goes at once', async () => {
    const h = layer.session();
    await expect(h.client.authFetch(`${API}/api/credits`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
    expect((await h.client.authFetch(`${API}/api/credits`)).status).toBe(200);
  });
});
