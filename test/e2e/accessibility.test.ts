/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.ts';
import { inOwnProfile } from './support/chromium.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';
import { continueInPopup, expireSession, heldAtLeast, pressSignIn, signIn } from './support/studio-user.ts';

const served = mockAppInChromium();

/** The app as its users meet it: the dev panel is the demo's tool, audited on its own below. */
const app = { exclude: ['.dev-panel'] };
const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";

/** Presses Cancel on the mock Google page and waits for the popup to close itself. */
async function cancelInPopup(popup: Page): Promise<void> {
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: 'Cancel', exact: true }).click();
  await closed;
}

/** A fresh tab, the other tabs of the profile closed so that none takes part. */
async function aloneIn(url: string, size = { width: 1100, height: 760 }): Promise<Page> {
  const { context } = served.browser;
  for (const open of context.pages()) await open.close();
  const page = await context.newPage();
  await page.setViewportSize(size);
  await page.goto(url);
  return page;
}

describe('what a screen reader or low-vision user meets, by axe-core, in Chromium', () => {
  it('has no serious violation on the sign-in page, the studio, the expired banner and while reconnecting', async () => {
    const { context } = served.browser;
    const page = await aloneIn(served.app.url);
    await page.getByRole('button', { name: 'Sign in with Google' }).waitFor();
    expect(await seriousViolations(page, app), 'sign-in page').toEqual([]);

    await signIn(context, page);
    const prompt = page.getByLabel('Prompt');
    await prompt.click();
    await prompt.pressSequentially('A moonstone cuff');
    await page.getByText('jewelry-generate').waitFor();
    await page.getByText('Credits: 25').waitFor();
    expect(await seriousViolations(page, app), 'studio').toEqual([]);

    await expireSession(page);
    await page.getByRole('button', { name: 'Generate' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();
    await heldAtLeast(page, 1);
    expect(await seriousViolations(page, app), 'expired banner, Generate held').toEqual([]);

    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await popupOpened;
    await page
      .getByRole('alert')
      .filter({ hasText: /Reconnecting…|Finish signing in/ })
      .waitFor();
    expect(await seriousViolations(page, app), 'banner while reconnecting').toEqual([]);

    await continueInPopup(popup);
    await page.getByRole('alert').waitFor({ state: 'detached' });
    await page.getByRole('img', { name: 'Generated design: A moonstone cuff' }).waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page, app), 'studio with a design').toEqual([]);
  }, 90_000);

  it('has no serious violation on the offline line and the admin batches page', async () => {
    // Still signed in from the test before.
    const page = await aloneIn(served.app.url);
    await page.getByText('jewelry-generate').waitFor();
    await page.getByLabel('Prompt').fill('A jade pendant');
    await page.getByRole('button', { name: 'Go offline' }).click();
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('status').filter({ hasText: offlineLine }).waitFor();
    expect(await seriousViolations(page, app), 'offline line').toEqual([]);
    await page.getByRole('button', { name: 'Back online' }).click();
    await page.getByText(offlineLine).waitFor({ state: 'detached' });

    await page.getByRole('link', { name: 'Admin batches' }).click();
    await page.getByRole('cell', { name: 'batch-001' }).waitFor();
    await page.locator('table[aria-busy="false"]').waitFor();
    expect(await seriousViolations(page, app), 'admin batches').toEqual([]);
  }, 90_000);

  it('has no serious violation on the studio 390 × 844, a phone', async () => {
    const page = await aloneIn(served.app.url, { width: 390, height: 844 });
    await page.getByText('jewelry-generate').waitFor();
    expect(await seriousViolations(page, app), 'studio at 390 × 844').toEqual([]);
  }, 90_000);

  it('has no serious violation on the notice before the session ends', async () => {
    const { context } = served.browser;
    const page = await aloneIn(served.app.url);
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Tokens of 30 s: the notice comes 20 s before their end, for someone typing.
    await page.getByLabel('Token lifetime (s)').fill('30');
    await signIn(context, page);
    const prompt = page.getByLabel('Prompt');
    const notice = page.getByRole('status').filter({ hasText: 'Your session ends in less than a minute' });
    await prompt.click();
    for (let words = 0; words < 100 && !(await notice.isVisible()); words++) await prompt.pressSequentially(' and', { delay: 80 });
    await notice.waitFor({ timeout: 1_000 });
    expect(await seriousViolations(page, app), 'notice before expiry').toEqual([]);
    await notice.getByRole('button', { name: 'Not now' }).click();
    await page.getByLabel('Token lifetime (s)').fill('60');
  }, 90_000);

  it('has no serious violation on the admin batches page with its next page held, nor once sign-in is given up', async () => {
    // Its own profile: a session of its own, with a full minute to live.
    await inOwnProfile(async (context) => {
      const page = await context.newPage();
      await page.goto(served.app.url);
      await signIn(context, page);
      await page.getByRole('link', { name: 'Admin batches' }).click();
      await page.getByRole('cell', { name: 'batch-001' }).waitFor();
      await page.getByText('Page 1 of 5').waitFor();
      await expireSession(page);
      await page.getByRole('button', { name: 'Next' }).click();
      const banner = page.getByRole('alert');
      await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
      await heldAtLeast(page, 1);
      // Page 1 stays, dimmed while page 2 waits for the reconnect: still text to read.
      await page.locator('table[aria-busy="true"]').waitFor();
      expect(await seriousViolations(page, app), 'admin batches, next page held').toEqual([]);

      // Three sign-ins cancelled in a row: the banner asks to wait a moment.
      for (let attempt = 0; attempt < 3; attempt++) {
        const popupOpened = context.waitForEvent('page');
        await banner.getByRole('button', { name: 'Reconnect' }).click();
        await cancelInPopup(await popupOpened);
        await banner.getByText(/^(Signing in with Google was cancelled|Sign-in failed several times)/).waitFor();
      }
      await banner.filter({ hasText: 'Sign-in failed several times. Try again in a moment.' }).waitFor();
      expect(await seriousViolations(page, app), 'banner cooling down').toEqual([]);
    });
  }, 90_000);

  it("has no serious violation in the sign-in popup: the mock Google page, and the callback page's error", async () => {
    // Its own profile: signed out, whatever the tests before left.
    await inOwnProfile(async (context) => {
      const page = await context.newPage();
      await page.goto(served.app.url);
      const popup = await pressSignIn(context, page);
      await popup.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).waitFor();
      expect(await seriousViolations(popup, { exclude: [] }), 'mock Google page').toEqual([]);
      await cancelInPopup(popup);

      // Opened by hand (a bookmark, a second click on the mail's link): no window asked for it, and it says so.
      const callback = await context.newPage();
      await callback.setViewportSize({ width: 500, height: 600 });
      await callback.goto(`${served.app.url}auth/google/callback?code=c&state=s`);
      await callback.getByRole('status').filter({ hasNotText: 'Signing you in…' }).waitFor();
      expect(await seriousViolations(callback, { exclude: [] }), 'callback page, not asked for').toEqual([]);
    });
  }, 90_000);

  it('has no serious violation in the dev panel, the demo tool', async () => {
    const page = await aloneIn(served.app.url);
    await page.getByRole('button', { name: 'Expire session' }).waitFor();
    expect(await seriousViolations(page, '.dev-panel'), 'dev panel').toEqual([]);
  }, 90_000);
});
