/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const stops = stoppedAfterEach();
afterEach(() => {
  for (const base of document.querySelectorAll('base')) base.remove();
});

/** A page whose document says `<base href="…">`, and a session whose fetch notes where each call went and as whom. */
function pageWithBase(href: string, overrides: Partial<AuthFetchOptions> = {}) {
  const base = document.createElement('base');
  base.href = href;
  document.head.append(base);
  const seen: Array<{ url: string; authorization: string | null }> = [];
  const client = createAuthFetch({
    getToken: () => 'ada-token',
    setToken: () => {},
    validate: async () => true,
    reauthenticate: async () => 'never-used',
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      seen.push({ url, authorization: new Headers(init?.headers).get('authorization') });
      return new Response('{}');
    },
    ...overrides,
  });
  stops.push(client.stop);
  return { client, seen };
}

// fetch resolves a relative URL against the document's base URL, which a <base href> sets: a drop-in fetch must too.
describe('a relative URL on a page with <base href>', () => {
  it('goes where fetch would send it, with or without a body', async () => {
    const { client, seen } = pageWithBase('/app/');
    await client.authFetch('api/items');
    await client.authFetch('api/items', { method: 'POST', body: '{"name":"ring"}' });
    const where = new URL('api/items', document.baseURI).href;
    expect(where).toBe(`${location.origin}/app/api/items`);
    expect(seen).toEqual([
      { url: where, authorization: 'Bearer ada-token' },
      { url: where, authorization: 'Bearer ada-token' },
    ]);
  });

  it('is judged by the origin it resolves to: a base on the API gets the token there', async () => {
    const { client, seen } = pageWithBase('https://api.test/v1/', { allowedOrigins: ['https://api.test'] });
    await client.authFetch('credits');
    expect(seen).toEqual([{ url: 'https://api.test/v1/credits', authorization: 'Bearer ada-token' }]);
  });
});
