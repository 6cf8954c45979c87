import type { RequestHandler } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * Starts `server` the one way the suite does: a request no handler answers fails its test.
 *
 * @example
 * start: async () => listenStrictly(server),
 */
export function listenStrictly(server: SetupServer): void {
  server.listen({ onUnhandledRequest: 'error' });
}

/**
 * One msw server for the tests of the file, or of the `describe` block, that calls it: it listens
 * before the first test (see `listenStrictly`), drops the handlers a test added with `server.use`
 * after each, and closes after the last.
 *
 * @example
 * const server = serveForTests(...backend.handlers);
 * server.use(http.get(`${API}/api/once`, () => HttpResponse.json({}, { status: 401 }), { once: true }));
 */
export function serveForTests(...handlers: RequestHandler[]): SetupServer {
  const server = setupServer(...handlers);
  beforeAll(() => listenStrictly(server));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
