import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockAuth } from '../../../src/mocks/mock-auth.ts';
import { mockAccount } from '../../../src/mocks/mock-data.ts';
import { createMockStore } from '../../../src/mocks/mock-store.ts';

/** A stand-in OAuth provider on its own origin. */
export interface CoopProvider {
  /** Where the sign-in starts: `${authorizeUrl}?state=…&redirect_uri=…&code_challenge=…`. */
  authorizeUrl: string;
  /** The only origin it sends the popup back to, as a provider allows only registered redirect URIs. */
  allow: (origin: string) => void;
  close: () => Promise<void>;
}

/** Text for an HTML attribute or element. */
const html = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A `node:http` server that plays Google the way that breaks popups: every
 * page it serves carries `Cross-Origin-Opener-Policy: same-origin`. Its
 * account page ("Continue as Ada Lovelace", "Cancel") sends the popup back to
 * the app's callback page with a code the mock backend accepts (signed as
 * the mock Google signs them), or with `error=access_denied`, by a 302 as
 * Google does. Listens on 127.0.0.1, addressed as `localhost`: another site.
 *
 * @example
 * const provider = await startCoopProvider();
 * const app = await serveMockApp({ env: { VITE_MOCK_CONSENT_URL: provider.authorizeUrl } });
 * provider.allow(new URL(app.url).origin);
 */
export async function startCoopProvider(): Promise<CoopProvider> {
  let allowed: string | null = null;
  const auth = createMockAuth(createMockStore());
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const state = url.searchParams.get('state') ?? '';
    const redirect = url.searchParams.get('redirect_uri') ?? '';
    const challenge = url.searchParams.get('code_challenge') ?? '';
    const headers = { 'cross-origin-opener-policy': 'same-origin', 'cache-control': 'no-store' };
    if (allowed === null || !redirect.startsWith(`${allowed}/auth/google/callback`) || !state) {
      response.writeHead(400, { ...headers, 'content-type': 'text/plain' }).end('redirect_uri is not registered, or state is missing');
      return;
    }
    const back = async (query: Record<string, string>) =>
      response.writeHead(302, { ...headers, location: `${redirect}?${new URLSearchParams({ ...query, state })}` }).end();
    if (url.pathname === '/authorize') {
      const form = (choice: string, label: string) =>
        `<form action="/decide" method="get"><input type="hidden" name="state" value="${html(state)}">` +
        `<input type="hidden" name="redirect_uri" value="${html(redirect)}"><input type="hidden" name="choice" value="${choice}">` +
        `<input type="hidden" name="code_challenge" value="${html(challenge)}">` +
        `<button type="submit">${label}</button></form>`;
      response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><title>Stand-in provider</title><h1>Choose an account</h1>` +
          form('ada', `Continue as ${html(mockAccount.name)}`) +
          form('cancel', 'Cancel'),
      );
    } else if (url.pathname === '/decide' && url.searchParams.get('choice') === 'ada') {
      void auth.issueGoogleCode(mockAccount, state, challenge || null).then((code) => back({ code }));
    } else if (url.pathname === '/decide') {
      void back({ error: 'access_denied' });
    } else {
      response.writeHead(404, headers).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    authorizeUrl: `http://localhost:${port}/authorize`,
    allow: (origin) => void (allowed = origin),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
