/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { continueAsAda, serveCoopStudio } from './support/coop-studio.ts';
import { expireSession } from './support/studio-user.ts';

// The provider sends COOP, so the callback page has no opener: only the sign-in's channel reaches the app, whose receipt closes it.
const studio = serveCoopStudio();

/** Which page (its lock client id) holds the popup's lock, in the page where it runs; null when none does. */
async function reauthLockHolder(): Promise<string | null> {
  const { held = [] } = await navigator.locks.query();
  return held.find((lock) => lock.name?.endsWith(':reauth'))?.clientId ?? null;
}

describe('reloading the app tab while its sign-in popup is open, in Chromium', () => {
  it('takes the popup’s answer after the reload: signed in again without a second Reconnect, the draft there, the other tab too', async () => {
    const { context } = studio.browser;
    const page = await context.newPage();
    await page.goto(studio.app.url);
    const signingIn = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Google' }).click();
    await continueAsAda(await signingIn);
    const prompt = page.getByLabel('Prompt');
    const draft = 'A moonstone ring in white gold';
    await prompt.click();
    await prompt.pressSequentially(draft);
    // Another tab of the studio, which follows this tab's popup.
    const other = await context.newPage();
    await other.goto(studio.app.url);
    await other.getByLabel('Prompt').waitFor();
    const otherBanner = other.getByRole('alert');

    await expireSession(page);
    const banner = page.getByRole('alert');
    const expired = banner.filter({ hasText: 'Session expired — click to reconnect' });
    await expired.waitFor();
    await otherBanner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    const opened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await opened;
    await popup.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).waitFor();
    await otherBanner.filter({ hasText: 'Reconnecting in another tab…' }).waitFor();
    const popupLockHolder = () => other.evaluate(reauthLockHolder);
    const beforeReload = await popupLockHolder();
    expect(beforeReload).not.toBeNull();

    await page.reload();
    // The popup this page opened is not the reloaded page's to see: it asks to finish there, or to try again.
    await banner.filter({ hasText: 'Finish signing in in the Google window.' }).waitFor();
    expect(await banner.getByRole('button').allInnerTexts()).toEqual(['Try again']);
    expect(await prompt.inputValue()).toBe(draft);
    let popupsAfterReload = 0;
    context.on('page', () => popupsAfterReload++);
    // The reloaded tab holds the popup's lock again: the other tab follows its sign-in, with no Reconnect of its own.
    await expect.poll(popupLockHolder, { timeout: 15_000 }).not.toBe(beforeReload);
    expect(await popupLockHolder()).not.toBeNull();
    await otherBanner.filter({ hasText: 'Reconnecting in another tab…' }).waitFor();

    await continueAsAda(popup);
    await banner.waitFor({ state: 'detached' });
    await otherBanner.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active'));
    expect(await prompt.inputValue()).toBe(draft);
    expect(await page.locator('header .user').textContent()).toContain('Ada Lovelace');
    expect(popupsAfterReload).toBe(0);
    // Settled: a second reload has nothing to resume, and the session is still good.
    await page.reload();
    await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.endsWith(':sign-in')))).toEqual([]);
    expect(await banner.count()).toBe(0);
  }, 90_000);

  it('gives the sign-in up once Try again has signed in: the next expiry offers Reconnect, not that old window', async () => {
    const { context } = studio.browser;
    const page = await context.newPage();
    await page.goto(studio.app.url);
    await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    await expireSession(page);
    const banner = page.getByRole('alert');
    const expired = banner.filter({ hasText: 'Session expired — click to reconnect' });
    await expired.waitFor();
    const firstOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const first = await firstOpened;
    await first.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).waitFor();

    await page.reload();
    await banner.filter({ hasText: 'Finish signing in in the Google window.' }).waitFor();
    const secondOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Try again' }).click();
    await continueAsAda(await secondOpened);
    await banner.waitFor({ state: 'detached' });

    // Signed in by the new window: the old one is nobody's now, and the next expiry says so plainly.
    await expireSession(page);
    await expired.waitFor();
    expect(await banner.getByRole('button').allInnerTexts()).toEqual(['Reconnect']);
    await first.close();
  }, 90_000);
});
