import { afterAll, beforeAll } from 'vitest';
import { serveMockApp, type ServedApp } from './app-server.ts';
import { launchChromium } from './chromium.ts';

/**
 * The studio built on its mock backend and served, and one Chromium, for the tests of the file that calls it:
 * started before them, closed after them.
 *
 * @example
 * const served = mockAppInChromium();
 * it('…', async () => {
 *   const page = await served.browser.context.newPage();
 *   await page.goto(served.app.url);
 * });
 */
export function mockAppInChromium() {
  const served = {} as { app: ServedApp; browser: Awaited<ReturnType<typeof launchChromium>> };
  beforeAll(async () => {
    served.app = await serveMockApp();
    served.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await served.browser?.close();
    await served.app?.close();
  });
  return served;
}
