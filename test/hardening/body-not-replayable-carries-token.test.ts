/** @vitest-environment node */
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { BodyNotReplayableError } from '../../src/lib/session/errors.ts';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

/**
 * auth-errors.ts: "none ever carries a token". BodyNotReplayableError keeps
 * the caller's Request in `error.request`; it used to be the very Request that
 * was sent, with `Authorization: Bearer <token>` set on it, so
 * `console.error(error)` printed the token. Every send is now a copy.
 */
it('does not carry the token in BodyNotReplayableError.request', async () => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.streamSecret9';
  const client = createAuthFetch({
    getToken: () => token,
    setToken: () => {},
    validate: async () => true,
    reauthenticate: async () => token,
    allowedOrigins: ['https://api.test'],
    fetch: async (input) => {
      await (input as Request).arrayBuffer();
      return new Response('{}', { status: 401 });
    },
  });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('photo'));
      controller.close();
    },
  });
  const error = await client.authFetch('https://api.test/api/upload', { method: 'POST', body, duplex: 'half' } as RequestInit).catch((e: unknown) => e);
  client.stop();
  expect(error).toBeInstanceOf(BodyNotReplayableError);
  expect((error as BodyNotReplayableError).request.headers.get('authorization')).toBeNull();
  expect(inspect(error, { depth: 8 })).not.toContain('streamSecret9');
});
