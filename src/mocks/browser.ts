import { setupWorker } from 'msw/browser';
import { createMockHandlers } from './handlers.ts';
import { createMockStore, type MockStore } from './mock-store.ts';

/**
 * Starts the mock backend in this page. Every page that talks to the API must
 * call it itself, popup included: the service worker only answers pages whose
 * own worker client started it.
 *
 * @example
 * const { store } = await startMockWorker();
 * store.expireSessions();
 */
export async function startMockWorker(): Promise<{ store: MockStore; stop: () => void }> {
  const store = createMockStore(window.localStorage);
  const worker = setupWorker(...createMockHandlers({ apiBaseUrl: window.location.origin, store, latencyMs: 120 }));
  await worker.start({
    serviceWorker: { url: `${import.meta.env.BASE_URL}mockServiceWorker.js` },
    // Vite's own module requests and the page's assets pass through untouched.
    onUnhandledRequest: 'bypass',
    quiet: true,
  });
  return { store, stop: () => worker.stop() };
}
