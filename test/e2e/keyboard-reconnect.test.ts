/** @vitest-environment node */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { inOwnProfile, launchChromium } from './support/chromium.ts';
import type { Page } from 'playwright-core';
import { continueInPopup, expireSession, signIn } from './support/studio-user.ts';

let app: ServedApp;

/** Presses Cancel on the mock Google page and waits for the popup to close itself. */
async function cancelInPopup(popup: Page): Promise<void> {
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: 'Cancel', exact: true }).click();
  await closed;
}

/** What has focus, as a keyboard user would find it: the button's text, or BODY. */
const focused = (page: Page) =>
  page.evaluate(() => (document.activeElement === document.body ? 'BODY' : document.activeElement?.textContent));
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  app = await serveMockApp();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('Reconnect from the keyboard, in Chromium', () => {
  it('gives focus back to the draft after Shift+Tab to Reconnect and Enter, as a click does', async () => {
    const { context } = browser;
    const page = await context.newPage();
    await page.goto(app.url);
    await signIn(context, page);
    const prompt = page.getByLabel('Prompt');
    await prompt.click();
    await prompt.pressSequentially('A moonstone cuff');
    await page.getByText('jewelry-generate').waitFor();
    await expireSession(page);
    await prompt.click(); // back to the draft from the dev panel's button
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');

    // Back from the draft, past the header's links, to the banner's button.
    const onReconnect = () => page.evaluate(() => document.activeElement?.textContent === 'Reconnect');
    for (let presses = 0; presses < 12 && !(await onReconnect()); presses++) await page.keyboard.press('Shift+Tab');
    expect(await onReconnect()).toBe(true);
    const popupOpened = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    await continueInPopup(await popupOpened);
    await banner.waitFor({ state: 'detached' });

    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    await page.keyboard.type(', in silver');
    expect(await prompt.inputValue()).toBe('A moonstone cuff, in silver');
  }, 90_000);

  it('gives focus back to the draft after a held Generate, Reconnect and sign-in', async () => {
    const { context } = browser;
    // Alone, so that no other tab of this profile takes part; still signed in from the test before.
    for (const open of context.pages()) await open.close();
    const page = await context.newPage();
    await page.goto(app.url);
    const prompt = page.getByLabel('Prompt');
    await prompt.click();
    await prompt.fill('');
    await prompt.pressSequentially('A jade pendant');
    await page.getByText('jewelry-generate').waitFor();
    await expireSession(page);
    // Back to the draft, then Tab to Generate and Enter: the held Generate is busy, and keeps focus rather than drop it to the page.
    await prompt.click();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();
    expect(await focused(page)).toBe('Generating…');

    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await popupOpened);
    await page.getByRole('alert').waitFor({ state: 'detached' });

    // Not lost to the page: back in the draft, where the user typed last.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    await page.close();
  }, 90_000);
  it('keeps focus on Reconnect while the popup runs, so that a cancelled sign-in leaves it there', async () => {
    const { context } = browser;
    for (const open of context.pages()) await open.close();
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByLabel('Prompt').waitFor();
    await page.getByText('jewelry-generate').waitFor();
    await expireSession(page);
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();
    await banner.getByRole('button', { name: 'Reconnect' }).focus();
    const popupOpened = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    const popup = await popupOpened;
    // Once the consent page's COOP makes the popup read closed (300 ms on), the same button says Try again.
    await page
      .getByRole('alert')
      .getByRole('button', { name: /^(Reconnecting…|Try again)$/ })
      .waitFor();
    expect(['Reconnecting…', 'Try again']).toContain(await focused(page));
    await cancelInPopup(popup);
    await page.getByText(/Signing in with Google was cancelled/).waitFor();
    // Not sent back to the top of the page: Enter tries again.
    expect(await focused(page)).toBe('Reconnect');
    await page.close();
  }, 90_000);

  it('takes focus to the page heading after Tab to Reconnect on a reloaded page, not back to the top of the document', async () => {
    await inOwnProfile(async (context) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await signIn(context, page);
      await page.getByText('jewelry-generate').waitFor();
      await expireSession(page);
      // Reloaded while expired: nothing was typed nor focused before the banner, the first Tab stop.
      await page.reload();
      const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
      await banner.waitFor();
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('Reconnect');
      const popupOpened = context.waitForEvent('page');
      await page.keyboard.press('Enter');
      await continueInPopup(await popupOpened);
      await banner.waitFor({ state: 'detached' });

      // Told where they are, and Tab goes on into the page from there.
      expect(await page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`)).toBe('H1 Studio');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    });
  }, 90_000);

  it('keeps focus on "Sign in with Google" while the popup runs, so that a cancelled sign-in leaves it there', async () => {
    const { context } = browser;
    for (const open of context.pages()) await open.close();
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Sign out' }).click();
    const button = page.getByRole('button', { name: 'Sign in with Google' });
    await button.focus();
    const popupOpened = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    const popup = await popupOpened;
    await page.getByText('Signing in…', { exact: true }).waitFor();
    expect(await focused(page)).toBe('Signing in…');
    await cancelInPopup(popup);
    await page.getByRole('alert').waitFor();
    expect(await focused(page)).toBe('Sign in with Google');
    await page.close();
  }, 90_000);
});
