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
