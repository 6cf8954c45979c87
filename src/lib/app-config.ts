// Where the API lives and whether the mocks run, read at call time: tests and the popup page see what the app sees.

/**
 * True when the app talks to the msw mock backend: in `npm run dev` and in a
 * `vite build --mode mock` build, unless `VITE_API_BASE_URL` names a real backend.
 * Vite replaces these `import.meta.env` reads at build time, so a production
 * build folds this to `false` and drops every mock module.
 *
 * @example
 * if (mocksEnabled()) await startMockWorker();
 */
export function mocksEnabled(): boolean {
  return !import.meta.env.VITE_API_BASE_URL && (import.meta.env.DEV || import.meta.env.MODE === 'mock');
}

/**
 * The API's absolute base URL without a trailing slash: `VITE_API_BASE_URL`
 * (a path such as `/backend` is on the page's own host), or the page's own
 * origin (the mock backend, or a backend served behind the same host).
 *
 * @example
 * apiBaseUrl(); // 'http://localhost:5173'
 */
export function apiBaseUrl(): string {
  const configured = import.meta.env.VITE_API_BASE_URL as string | undefined;
  const page = globalThis.location?.origin;
  // The origin's root, not the page's URL: the app's routes change the path.
  const pageUrl = page && page !== 'null' ? `${page}/` : undefined;
  if (!configured && !pageUrl) {
    throw new TypeError('No API base URL: set VITE_API_BASE_URL, or run the app in a page with an origin.');
  }
  // apiOrigin() reads the origin out of it: a path alone would throw and stop the app at start.
  return (configured ? new URL(configured, pageUrl).href : page!).replace(/\/+$/, '');
}

/**
 * An absolute URL of the API.
 *
 * @example
 * apiUrl('/api/credits'); // 'http://localhost:5173/api/credits'
 */
export function apiUrl(path: string): string {
  return `${apiBaseUrl()}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * The origin `authFetch` may send the token to: the API's, and no other.
 *
 * @example
 * createAuthFetch({ ...options, allowedOrigins: [apiOrigin()] });
 */
export function apiOrigin(): string {
  return new URL(apiBaseUrl()).origin;
}

/**
 * Where the mock demo's sign-in popup starts: its own consent page, which
 * plays Google, unless `VITE_MOCK_CONSENT_URL` names another (the browser
 * test's cross-origin provider, which sends COOP as Google's pages may).
 *
 * @example
 * mockConsentUrl(); // 'http://localhost:5173/auth/google/consent'
 */
export function mockConsentUrl(): string {
  return (import.meta.env.VITE_MOCK_CONSENT_URL as string | undefined) || `${globalThis.location.origin}/auth/google/consent`;
}
