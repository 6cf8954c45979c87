/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { inOwnProfile, screenshots } from './support/chromium.ts';
import { continueInPopup, expireSession, heldAtLeast, pressSignIn, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

describe('the admin batches page, in Chromium', () => {
  it('survives an expiry: the rows stay, the next page waits for the reconnect, nothing else happens', async () => {
    const shot = screenshots('admin-batches');
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await signIn(context, page);
    await page.getByRole('link', { name: 'Admin batches' }).click();
    await page.getByRole('cell', { name: 'batch-001' }).waitFor();
    await page.getByText('Page 1 of 5').waitFor();
    const url = page.url();
    expect(new URL(url).pathname).toBe('/admin/batches');
    await shot(page, 'page-1');

    await expireSession(page);
    // Page 2's request, or a poll, meets the dead token first (the other is then held, never sent).
    const next401 = page.waitForResponse((r) => r.url().includes('/api/') && r.status() === 401);
    await page.getByRole('button', { name: 'Next' }).click();
    await next401;
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await heldAtLeast(page, 1);
    await shot(page, 'expired');
    // Page 1 is still on screen, and the pager says so, no error, same URL.
    expect(await page.getByRole('cell', { name: 'batch-001' }).isVisible()).toBe(true);
    expect(await page.locator('.pager span').innerText()).toBe('Page 1 of 5 · loading page 2…');
    expect(await page.locator('.problem').count()).toBe(0);
    expect(page.url()).toBe(url);

    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await popupOpened);
    await banner.waitFor({ state: 'detached' });
    // The held page-2 request went out once, with the new token, and landed.
    await page.getByRole('cell', { name: 'batch-011' }).waitFor();
    await page.getByText('Page 2 of 5').waitFor();
    await shot(page, 'page-2-after-reconnect');
    expect(await page.getByRole('cell', { name: 'batch-001' }).count()).toBe(0);
    expect(await page.locator('.problem').count()).toBe(0);
    expect(page.url()).toBe(url);
  }, 90_000);

  it('tells a member it is for admins only, and then no longer says it is loading nor offers a next page', async () => {
    await inOwnProfile(async (context) => {
      const page = await context.newPage();
      await page.goto(served.app.url);
      await continueInPopup(await pressSignIn(context, page), 'Grace Hopper');
      await page.locator('header .user').filter({ hasText: 'Grace Hopper' }).waitFor();
      // The header offers a member no link there: the page's address, kept from elsewhere, still opens it.
      expect(await page.getByRole('link', { name: 'Admin batches' }).count()).toBe(0);
      await page.goto(`${served.app.url}admin/batches`);
      await page.locator('.problem').filter({ hasText: 'Loading batches failed (403: Admins only).' }).waitFor();
      await page.locator('table[aria-busy="false"]').waitFor(); // the answer is in: nothing is loading any more

      expect(await page.locator('caption').innerText()).not.toMatch(/loading/i);
      expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    });
  }, 90_000);
});
