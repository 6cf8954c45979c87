/** @vitest-environment node */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { launchChromium } from './support/chromium.ts';
import { continueInPopup, expireSession, signIn } from './support/studio-user.ts';

let app: ServedApp;
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

  it('gives focus back to the draft after Generate, Reconnect and sign-in, when focus had fallen to the page', async () => {
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
    // Back to the draft, then Tab to Generate and Enter: the held Generate disables its button, and focus falls to the page.
    await prompt.click();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);

    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await popupOpened);
    await page.getByRole('alert').waitFor({ state: 'detached' });

    // Not lost to the page: back in the draft, where the user typed last.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    await page.close();
  }, 90_000);
});
