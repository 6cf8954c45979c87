/** @vitest-environment node */
import { createServer } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, serveMockApp, type ServedApp } from './support/app-server.ts';
import { launchChromium } from './support/chromium.ts';
import { errorText, signIn } from './support/studio-user.ts';

let app: ServedApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;
/** Another site to leave the studio for: a page of another origin. */
let elsewhere: { url: string; close: () => void };

beforeAll(async () => {
  app = await serveMockApp();
  browser = await launchChromium({ backForwardCache: true });
  await browser.context.addInitScript(() => {
    addEventListener('pageshow', (event) => {
      (window as unknown as { lastPageshow: string }).lastPageshow = event.persisted ? 'restored' : 'loaded';
    });
  });
  const port = await freePort();
  const server = createServer((_, response) => {
    response.setHeader('content-type', 'text/html');
    response.end('<title>Elsewhere</title><h1>Elsewhere</h1>');
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  elsewhere = { url: `http://localhost:${port}/`, close: () => server.close() };
}, 120_000);
afterAll(async () => {
  elsewhere?.close();
  await browser?.close();
  await app?.close();
});

/** Back from the other site, once the studio shows again: restored from the back/forward cache, or loaded anew. */
async function back(page: Page): Promise<void> {
  await page.goBack({ waitUntil: 'commit' });
  await page.waitForFunction(() => (window as unknown as { lastPageshow?: string }).lastPageshow);
}

/** What a user reads in the app, minus the dev panel (ours, not the app's). */
const visibleText = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));

describe('the studio in the back/forward cache, in Chromium', () => {
  it('comes back from another site with its mock backend answering: a Generate starts its design, no error shows', async () => {
    const { context } = browser;
    const page = await context.newPage();
    await page.goto(app.url);
    await signIn(context, page);
    await page.getByText(/^Credits: \d+$/).waitFor();
    // A second tab of the studio, as users have: the mock's worker keeps a page to serve, and stays registered.
    const other = await context.newPage();
    await other.goto(app.url);
    await other.getByText(/^Credits: \d+$/).waitFor();

    await page.getByLabel('Prompt').fill('A moonstone cuff');
    await page.goto(elsewhere.url);
    await page.getByRole('heading', { name: 'Elsewhere' }).waitFor();
    await back(page);
    await page.getByText(/^Credits: \d+$/).waitFor();
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText('Running…').or(page.locator('.problem').first()).waitFor();
    expect(await page.locator('.problem').count()).toBe(0);
    expect(await visibleText(page)).not.toMatch(errorText);
  }, 90_000);
});
