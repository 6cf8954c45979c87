/** @vitest-environment node */
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, root } from './support/app-server.ts';
import { launchChromium, screenshots } from './support/chromium.ts';
import { continueInPopup, expireSession, signIn } from './support/studio-user.ts';

let server: ViteDevServer;
let url: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  const port = await freePort();
  // What `npm run dev` starts: vite.config.ts, no env, mocks on by default.
  server = await createServer({ root, logLevel: 'warn', server: { host: '127.0.0.1', port, strictPort: true, open: false } });
  await server.listen();
  url = `http://127.0.0.1:${port}/`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('npm run dev', () => {
  it('runs the studio on its own mock backend, expiry and reconnect included', async () => {
    const shot = screenshots('dev-server');
    const { context } = browser;
    const page = await context.newPage();
    await page.goto(url);
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    await page.getByText('Credits: 25').waitFor();
    await expireSession(page);
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await shot(page, 'expired');
    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await popupOpened);
    await banner.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active.'));
    expect(await page.locator('.problem').count()).toBe(0);

    // The dev panel opens the inspector on demand; stately.ai is stubbed, as the tests run without a network.
    await context.route('https://stately.ai/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>Stately Inspector stub</title>' }),
    );
    const inspectorOpened = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Open Stately Inspector' }).click();
    const inspector = await inspectorOpened;
    await inspector.waitForLoadState();
    expect(inspector.url()).toMatch(/^https:\/\/stately\.ai\/inspect/);
    await page.getByRole('button', { name: 'Inspector open' }).waitFor();
    // Closed, it can be opened again: the panel no longer says it is open.
    await inspector.close();
    await page.getByRole('button', { name: 'Open Stately Inspector' }).waitFor();
  }, 90_000);
});
