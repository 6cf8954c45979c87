import { adminHandlers } from './admin-handlers.ts';
import { authHandlers } from './auth-handlers.ts';
import type { HandlerContext } from './handler-context.ts';
import { createMockAuth } from './mock-auth.ts';
import { createMockStore, type MockStore } from './mock-store.ts';
import { networkHandlers } from './network-handlers.ts';
import { studioHandlers } from './studio-handlers.ts';

/** Options of the one set of mock handlers. */
export interface MockHandlerOptions {
  /** Where the API lives, absolute: `location.origin` in the browser, any origin in tests. */
  apiBaseUrl: string;
  /** Shared mutable state; default a fresh in-memory store. */
  store?: MockStore;
  /** Latency added to each response (default 0). */
  latencyMs?: number;
  /** The backend's clock (default `Date.now`). */
  now?: () => number;
}

/**
 * The mock FastAPI + Google OAuth backend, as msw handlers. The same list
 * serves the demo (browser worker) and the tests (setupServer).
 *
 * @example
 * const store = createMockStore();
 * const server = setupServer(...createMockHandlers({ apiBaseUrl: 'http://localhost:3000', store }));
 */
export function createMockHandlers(options: MockHandlerOptions) {
  const store = options.store ?? createMockStore();
  const now = options.now ?? Date.now;
  const ctx: HandlerContext = {
    // A trailing slash would make every route `//api/...`.
    apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''),
    store,
    auth: createMockAuth(store, now),
    latencyMs: options.latencyMs ?? 0,
    now,
  };
  // The network switch first: while it is down, no route answers.
  return [...networkHandlers(ctx), ...authHandlers(ctx), ...studioHandlers(ctx), ...adminHandlers(ctx)];
}
