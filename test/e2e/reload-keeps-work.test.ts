/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { screenshots } from './support/chromium.ts';
import { expireSession, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

describe('a reload of the tab, in Chromium', () => {
  it('brings back the studio draft and the admin page, expired session or not', async () => {
    const shot = screenshots('reload-keeps-work');
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await signIn(context, page);
    const prompt = page.getByLabel('Prompt');
    const draft = 'A rose-gold ring with a pear-cut sapphire';
    await prompt.click();
    await prompt.pressSequentially(draft);

    await page.reload();
    await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    expect(await prompt.inputValue()).toBe(draft);

    await expireSession(page);
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await shot(page, 'expired-draft-back');
    expect(await prompt.inputValue()).toBe(draft);

    // The admin page, on page 2 behind the banner (its request held), reloaded: page 2 again.
    await page.getByRole('link', { name: 'Admin batches' }).click();
    const popupOpened = context.waitForEvent('page');
    await page.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
    await (await popupOpened).getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).click();
    await page.getByRole('cell', { name: 'batch-001' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('cell', { name: 'batch-011' }).waitFor();
    await page.reload();
    await page.getByRole('cell', { name: 'batch-011' }).waitFor();
    await expireSession(page);
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await shot(page, 'expired-admin-page');
    const reconnected = context.waitForEvent('page');
    await page.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
    await (await reconnected).getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).click();
    await page.getByRole('cell', { name: 'batch-011' }).waitFor();
    expect(await page.getByRole('cell', { name: 'batch-001' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Studio' }).click();
    expect(await prompt.inputValue()).toBe(draft);
  }, 90_000);
});
