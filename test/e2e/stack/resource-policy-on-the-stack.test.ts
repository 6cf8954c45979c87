/** @vitest-environment node */
import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { killAllServers } from '../../../backend/processes.ts';
import { startStack, type Stack } from '../../../backend/stack.ts';
import { freePort } from '../support/app-server.ts';
import { launchChromium } from '../support/chromium.ts';
import { signIn } from '../support/studio-user.ts';

// The backend behind a proxy that adds what helmet sends by default: a no-cors fetch from the app's origin is refused.
let stack: Stack;
let proxy: Server;

/** An HTTP proxy on `port` to the API on `apiPort`, adding `Cross-Origin-Resource-Policy: same-origin` to every answer. */
function sameOriginResources(port: number, apiPort: number): Promise<Server> {
  const server = createServer((incoming, outgoing) => {
    const upstream = request(
      { host: '127.0.0.1', port: apiPort, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'cross-origin-resource-policy': 'same-origin' });
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  return new Promise((listening) => server.listen(port, '127.0.0.1', () => listening(server)));
}

beforeAll(async () => {
  process.once('exit', killAllServers);
  const ports = { app: await freePort(), api: await freePort(), google: await freePort() };
  const proxyPort = await freePort();
  proxy = await sameOriginResources(proxyPort, ports.api);
  stack = await startStack({ ports, tokenTtlSeconds: 60, appApiUrl: `http://127.0.0.1:${proxyPort}` });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await new Promise((closed) => proxy?.close(closed));
}, 20_000);

describe('a backend whose answers say Cross-Origin-Resource-Policy: same-origin, in Chromium', () => {
  it('signs in: the check beside the popup is a CORS call like every other, which that header does not refuse', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(stack.appUrl);
      await signIn(browser.context, page);
      await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    } finally {
      await browser.close();
    }
  }, 60_000);
});
