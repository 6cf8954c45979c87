/** @vitest-environment node */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { inOwnProfile } from './support/chromium.ts';
import { continueAsAda, serveCoopStudio } from './support/coop-studio.ts';
import { expireSession, heldAtLeast } from './support/studio-user.ts';

// The provider sends COOP: the studio can neither see nor close the Google window, which may outlive the tab that opened it.
const studio = serveCoopStudio();

/** Signs in as Ada in one studio tab (`first` done there before), then opens a second: both show the studio. */
async function twoStudioTabs(context: BrowserContext, first?: (page: Page) => Promise<void>) {
  const closing = await context.newPage();
  await closing.goto(studio.app.url);
  await first?.(closing);
  const signingIn = context.waitForEvent('page');
  await closing.getByRole('button', { name: 'Sign in with Google' }).click();
  await continueAsAda(await signingIn);
  await closing.getByLabel('Prompt').waitFor();
  const other = await context.newPage();
  await other.goto(studio.app.url);
  await other.getByLabel('Prompt').waitFor();
  return { closing, other };
}

describe('closing the studio tab whose sign-in window is open, in Chromium', () => {
  it('signs the other studio tab in when the user finishes in that window: its held work goes, and the window closes', async () => {
    const { context } = studio.browser;
    const { closing, other } = await twoStudioTabs(context);
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

  it("renews the other studio tab when the user finishes the notice's window after closing its tab: the window closes", async () => {
    // A profile of its own: the test before left this one signed in.
    await inOwnProfile(async (context) => {
      // Tokens of 30 s: the notice comes at 10 s (20 s before exp).
      const { closing, other } = await twoStudioTabs(context, (page) => page.getByLabel('Token lifetime (s)').fill('30'));
      const state = (tab: Page) => tab.getByTestId('session-state').innerText();
      const notice = closing.getByRole('status').filter({ hasText: 'Your session ends in less than a minute' });
      // Someone uses both tabs (the notice is for a page in use).
      for (const tab of [closing, other]) await tab.getByLabel('Prompt').pressSequentially('A cameo');
      await notice.waitFor({ timeout: 30_000 });
      const opened = context.waitForEvent('page');
      await notice.getByRole('button', { name: 'Stay signed in' }).click();
      const popup = await opened;
      await popup.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).waitFor();
      await expect.poll(() => state(other)).toBe('active.elsewhere');

      // The user closes the tab that asked; the Google window, out of the studio's reach, stays open.
      await closing.close();
      await expect.poll(() => state(other)).not.toBe('active.elsewhere');
      await continueAsAda(popup); // closes on the other tab's receipt, not "did not answer"
      await other.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active'));
      expect(await other.getByTestId('held-count').innerText()).toBe('0');
      expect(await other.getByRole('alert').count()).toBe(0);
      expect(await other.locator('header .user').textContent()).toContain('Ada Lovelace');
    });
  }, 90_000);
});
