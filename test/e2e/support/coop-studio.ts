import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { serveMockApp, type ServedApp } from './app-server.ts';
import { launchChromium } from './chromium.ts';
import { startCoopProvider, type CoopProvider } from './coop-provider.ts';

/**
 * The mock studio signing in through a provider of another site that sends COOP (the callback page has no opener,
 * and the studio can neither see nor close the window), and one Chromium, for the file's tests.
 *
 * @example
 * const studio = serveCoopStudio();
 * it('…', async () => { const page = await studio.browser.context.newPage(); await page.goto(studio.app.url); });
 */
export function serveCoopStudio(): { readonly app: ServedApp; readonly browser: Awaited<ReturnType<typeof launchChromium>> } {
  let provider: CoopProvider | undefined;
  let app: ServedApp | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  beforeAll(async () => {
    provider = await startCoopProvider();
    app = await serveMockApp({ env: { VITE_MOCK_CONSENT_URL: provider.authorizeUrl } });
    provider.allow(new URL(app.url).origin);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await provider?.close();
  });
  return {
    get app() {
      return app!;
    },
    get browser() {
      return browser!;
    },
  };
}

/** Presses "Continue as Ada Lovelace" on the provider's page and waits for the popup to close itself (on the studio's receipt). */
export async function continueAsAda(popup: Page): Promise<void> {
  const closed = popup.waitForEvent('close', { timeout: 15_000 });
  await popup.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).click();
  await closed;
}
