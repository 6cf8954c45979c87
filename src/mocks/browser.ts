import { setupWorker } from 'msw/browser';
import { createMockHandlers } from './handlers.ts';
import { createMockStore, type MockStore } from './mock-store.ts';

/** How many reloads in a row a page may spend getting the worker to control it. */
const reloadsAllowed = 3;
/** How long msw's start may take: it takes a tenth of a second, seconds on a loaded machine. */
const startMs = 5_000;
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
  const starting = worker.start({
    serviceWorker: { url: `${import.meta.env.BASE_URL}mockServiceWorker.js` },
    // Vite's own module requests and the page's assets pass through untouched.
    onUnhandledRequest: 'bypass',
    quiet: true,
  });
  await controlledByTheWorker(starting);
  // Leaving, msw told its worker this page was gone (and it may have unregistered): back from the bfcache, start again.
  addEventListener('pageshow', (event) => event.persisted && location.reload());
  return { store, stop: () => worker.stop() };
}

/**
 * Resolves once msw has started and its worker controls this page, else reloads it: a page that loaded while msw's
 * worker unregistered stays unclaimed, and a worker unregistered while it activated never activates (start never ends).
 */
async function controlledByTheWorker(starting: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<false>((resolve) => (timer = setTimeout(resolve, startMs, false)));
  const started = await Promise.race([starting.then(() => true), stalled]).finally(() => clearTimeout(timer));
  const reloads = Number(sessionStorage.getItem(reloadsKey) ?? 0);
  // Past the reloads allowed, the page runs as it is.
  if ((started && navigator.serviceWorker.controller) || reloads >= reloadsAllowed) {
    sessionStorage.removeItem(reloadsKey);
    await starting;
    return;
  }
  sessionStorage.setItem(reloadsKey, String(reloads + 1));
  location.reload();
  return new Promise<never>(() => {});
}
