import { http, HttpResponse } from 'msw';
import type { HandlerContext } from './handler-context.ts';

/** Every route of the mock backend: the API, `/auth/*` (the validation endpoint included) and mock Google. */
const backendRoutes = ['/api/*', '/auth/*', '/mock-google/*'] as const;

/**
 * The dev panel's "Go offline": while `store.networkDown()` is on, every
 * backend route fails as a dropped connection does (`fetch` rejects with a
 * TypeError), and otherwise falls through to the real handlers. Listed first.
 * Setting Chromium offline is not enough: msw's service worker still answers.
 *
 * @example
 * setupServer(...networkHandlers(ctx), ...studioHandlers(ctx));
 */
export function networkHandlers(ctx: HandlerContext) {
  // Returning nothing lets msw try the next handler: the backend is up.
  const unreachable = () => (ctx.store.networkDown() ? HttpResponse.error() : undefined);
  return backendRoutes.map((route) => http.all(`${ctx.apiBaseUrl}${route}`, unreachable));
}
