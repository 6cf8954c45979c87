/** @vitest-environment node */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getCurrentUser } from '../../../src/lib/auth-api.ts';

/** A real backend whose `/auth/me` refuses every token with a 401 whose body does not end (a slow or streaming answer). */
const refusals: Array<() => boolean> = [];
const backend = createServer((_req, res) => {
  let released = false;
  res.on('close', () => void (released = true));
  refusals.push(() => released);
  res.writeHead(401, { 'content-type': 'application/json' });
  res.write('{"detail":"Not authenticated"');
});
beforeAll(async () => {
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  vi.stubEnv('VITE_API_BASE_URL', `http://127.0.0.1:${(backend.address() as AddressInfo).port}`);
});
afterAll(() => {
  vi.unstubAllEnvs();
  backend.closeAllConnections();
  return new Promise<void>((resolve) => backend.close(() => resolve()));
});

describe('getCurrentUser, the session check', () => {
  it('says null for a refused token and lets go of the 401, whose body nobody reads', async () => {
    expect(await getCurrentUser({ token: 'expired' })).toBeNull();
    // Asked again on every 401 and network probe: each refusal's connection is let go, not kept until collected.
    await vi.waitFor(() => expect(refusals[0]!()).toBe(true));
  });
});
