/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { continueAsAda, serveCoopStudio } from './support/coop-studio.ts';
import { expireSession, heldAtLeast } from './support/studio-user.ts';

// The provider sends COOP: the studio can neither see nor close the Google window, which may outlive the tab that opened it.
const studio = serveCoopStudio();

describe('closing the studio tab whose sign-in window is open, in Chromium', () => {
  it('signs the other studio tab in when the user finishes in that window: its held work goes, and the window closes', async () => {
    const { context } = studio.browser;
    const closing = await context.newPage();
    await closing.goto(studio.app.url);
    const signingIn = context.waitForEvent('page');
    await closing.getByRole('button', { name: 'Sign in with Google' }).click();
    await continueAsAda(await signingIn);
    await closing.getByLabel('Prompt').waitFor();
    const other = await context.newPage();
    await other.goto(studio.app.url);
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
