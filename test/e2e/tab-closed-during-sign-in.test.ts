/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { launchChromium } from './support/chromium.ts';
import { startCoopProvider, type CoopProvider } from './support/coop-provider.ts';
import { expireSession, heldAtLeast } from './support/studio-user.ts';

// The provider sends COOP: the studio can neither see nor close the Google window, which may outlive the tab that opened it.
let provider: CoopProvider;
let app: ServedApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;

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

/** Presses "Continue as Ada Lovelace" on the provider's page and waits for the popup to close itself (on the studio's receipt). */
async function continueAsAda(popup: Page): Promise<void> {
  const closed = popup.waitForEvent('close', { timeout: 15_000 });
  await popup.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).click();
  await closed;
}

describe('closing the studio tab whose sign-in window is open, in Chromium', () => {
  it('signs the other studio tab in when the user finishes in that window: its held work goes, and the window closes', async () => {
    const { context } = browser;
    const closing = await context.newPage();
    await closing.goto(app.url);
    const signingIn = context.waitForEvent('page');
    await closing.getByRole('button', { name: 'Sign in with Google' }).click();
    await continueAsAda(await signingIn);
    await closing.getByLabel('Prompt').waitFor();
    const other = await context.newPage();
    await other.goto(app.url);
    await other.getByLabel('Prompt').waitFor();
    const otherBanner = other.getByRole('alert');
    const otherExpired = otherBanner.filter({ hasText: 'Session expired — click to reconnect' });

    await expireSession(closing);
    const banner = closing.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await otherExpired.waitFor();
    await heldAtLeast(other, 1);
    const opened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await opened;
    await popup.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).waitFor();
    await otherBanner.filter({ hasText: 'Reconnecting in another tab…' }).waitFor();

    // The user closes the tab that asked; the Google window, out of the studio's reach, stays open.
    await closing.close();
    await otherExpired.waitFor();
    expect(popup.isClosed()).toBe(false);
    let popupsAfterClose = 0;
    context.on('page', () => popupsAfterClose++);

    await continueAsAda(popup);
    await otherBanner.waitFor({ state: 'detached' });
    await other.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active'));
    await other.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
    expect(await other.locator('header .user').textContent()).toContain('Ada Lovelace');
    expect(popupsAfterClose).toBe(0);
  }, 60_000);
});
