import type { Connect, Plugin } from 'vite';

/** The mock Google's consent page, as main.tsx serves it. */
const consentPath = '/auth/google/consent';

/**
 * Serves the mock Google consent page with `Cross-Origin-Opener-Policy:
 * same-origin`, as Google's own pages may be served, in `vite` and `vite
 * preview`. The studio page sends no COOP, so the policies differ and the
 * browser moves the popup to another browsing context group even on our own
 * origin: the popup loses `window.opener` for good and reads `closed` while
 * open, which is what the demo's sign-in has to survive.
 *
 * @example
 * export default defineConfig({ plugins: [consentPageCoop()] });
 */
export function consentPageCoop(): Plugin {
  const addHeader: Connect.NextHandleFunction = (request, response, next) => {
    if (request.url?.split('?')[0] === consentPath) response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    next();
  };
  return {
    name: 'quiet-session:consent-coop',
    // Added before Vite's own middlewares, which then serve index.html with the header set.
    configureServer: (server) => void server.middlewares.use(addHeader),
    configurePreviewServer: (server) => void server.middlewares.use(addHeader),
  };
}
