/** @vitest-environment node */
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';

describe('everything but a 401 passes through', () => {
  const layer = layerOnFakeBackend();
  const { server } = layer;

  it.each([200, 403, 404, 500])('returns a %i unchanged', async (status) => {
    const { client, validate } = layer.session();
    const response = await client.authFetch(`${API}/status/${status}`);
    expect(response.status).toBe(status);
    expect(validate).not.toHaveBeenCalled();
  });

  it('rejects with the very error fetch rejected with', async () => {
    const failure = new TypeError('network down');
    const { client } = layer.session();
    server.use(http.get(`${API}/api/flaky`, () => HttpResponse.error()));
    await expect(client.authFetch(`${API}/api/flaky`)).rejects.toBeInstanceOf(TypeError);
    const direct = layer.session({
      fetch: async () => {
        throw failure;
      },
    });
    await expect(direct.client.authFetch(`${API}/api/credits`)).rejects.toBe(failure);
  });

  it('gives each send headers of its own: a fetch wrapper writing into init.headers does not change later calls', async () => {
    let token: string | null = null;
    const sent: Array<string | null> = [];
    const client = createAuthFetch({
      getToken: () => token,
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => 'never-used',
      allowedOrigins: ['https://api.test'],
      fetch: async (_input, init) => {
        const headers = init?.headers as Record<string, string>;
        sent.push(headers.authorization ?? null);
        headers.authorization ??= 'Bearer set-by-the-wrapper';
        return new Response('{}', { status: 200 });
      },
    });
    await client.authFetch('https://api.test/api/health');
    token = 'alice-token';
    await client.authFetch('https://api.test/api/credits');
    expect(sent).toEqual([null, 'Bearer alice-token']);
    client.stop();
  });
});
