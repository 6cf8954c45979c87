/** @vitest-environment node */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

/**
 * B1: a 401 from another origin "is returned as-is, with no validation". When
 * an allowed origin redirects to another origin, fetch follows and (rightly)
 * drops the Authorization header there; that origin's 401 then comes back on
 * the allowed request. authFetch used to treat it as its own session's (and,
 * with a validate that says false, show the banner for a token that is fine);
 * it now compares the final response's origin.
 */
it('returns the 401 of another origin reached by a redirect as-is, without validating', async () => {
  const other = createServer((req, res) => void (req.resume(), res.writeHead(401).end('{}')));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const first = createServer((req, res) => void (req.resume(), res.writeHead(302, { location: `${otherOrigin}/sso` }).end()));
  await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
  const firstOrigin = `http://127.0.0.1:${(first.address() as AddressInfo).port}`;
  let validations = 0;
  let sends = 0;
  const client = createAuthFetch({
    getToken: () => 'token-1',
    setToken: () => {},
    validate: async () => (validations++, true),
    reauthenticate: async () => 'token-2',
    allowedOrigins: [firstOrigin],
    fetch: (input, init) => (sends++, fetch(input, init)),
  });
  try {
    const response = await client.authFetch(`${firstOrigin}/api/report`);
    expect(response.status).toBe(401);
    expect(new URL(response.url).origin).toBe(otherOrigin);
    expect({ validations, sends }).toEqual({ validations: 0, sends: 1 });
  } finally {
    client.stop();
    for (const server of [first, other]) {
      server.closeAllConnections();
      server.close();
    }
  }
});
