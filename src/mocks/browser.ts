import { setupWorker } from 'msw/browser';
import { createMockHandlers } from './handlers.ts';
import { createMockStore, type MockStore } from './mock-store.ts';

/** How many reloads in a row a page may spend getting the worker to control it. */
const reloadsAllowed = 3;
const reloadsKey = 'quiet-session.mock.reloads';

/**
 * Starts the mock backend in this page. Every page that talks to the API must
 * call it itself, popup included: the service worker only answers pages whose
 * own worker client started it. Resolves only once the worker controls this
 * page; until then the page's requests would reach the dev server (a 404).
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
  await controlledByTheWorker();
  // Leaving, msw told its worker this page was gone (and it may have unregistered): back from the bfcache, start again.
  addEventListener('pageshow', (event) => event.persisted && location.reload());
  return { store, stop: () => worker.stop() };
}

/** Resolves once the worker controls this page, else reloads it: a page that loaded while msw's worker unregistered stays unclaimed. */
function controlledByTheWorker(): Promise<void> {
  const reloads = Number(sessionStorage.getItem(reloadsKey) ?? 0);
  // A fresh worker has claimed the page before start() resolved; past the reloads allowed, the page runs as it is.
  if (navigator.serviceWorker.controller || reloads >= reloadsAllowed) {
    sessionStorage.removeItem(reloadsKey);
    return Promise.resolve();
  }
  sessionStorage.setItem(reloadsKey, String(reloads + 1));
  location.reload();
  return new Promise<never>(() => {});
}
