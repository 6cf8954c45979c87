import { delay, type PathParams } from 'msw';
import type { AccessClaims, MockAuth } from './mock-auth.ts';
import type { MockStore } from './mock-store.ts';

/** What every group of handlers shares. */
export interface HandlerContext {
  /** Absolute origin (and optional path prefix) the API is served at, e.g. `http://localhost:5173`. */
  apiBaseUrl: string;
  store: MockStore;
  auth: MockAuth;
  /** Extra latency per response so the demo feels like a network; 0 in tests. */
  latencyMs: number;
  now: () => number;
}

/** A resolver that runs only for an authenticated user. */
export type AuthedResolver = (args: { request: Request; params: PathParams; user: AccessClaims }) => Response | Promise<Response>;

/**
 * Wraps a resolver so that, like FastAPI's `Depends(get_current_user)`, every
 * API route answers 401 to a missing, forged, expired or revoked token.
 *
 * @example
 * http.get(`${base}/api/credits`, authed(ctx, () => HttpResponse.json({ balance: 3 })));
 */
export function authed(ctx: HandlerContext, resolve: AuthedResolver) {
  return async ({ request, params }: { request: Request; params: PathParams }): Promise<Response> => {
    if (ctx.latencyMs > 0) await delay(ctx.latencyMs);
    const user = await ctx.auth.authenticate(request);
    return user ? resolve({ request, params, user }) : ctx.auth.unauthorized(request);
  };
}
