/** @vitest-environment node */
import { expect, it } from 'vitest';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

/**
 * Found by review: calls without headers shared one empty record, and a send
 * without a token handed that very record to fetch. A fetch wrapper that
 * writes into `init.headers` (tracing, logging) then changed it for every
 * later call: here an Authorization it set made later calls look as if they
 * brought their own, so the session's token was never attached. Each send now
 * gets a record of its own.
 */
it('a fetch wrapper writing into init.headers does not change later calls', async () => {
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
