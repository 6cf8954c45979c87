/** @vitest-environment node */
import type { BrowserContext, Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { inOwnProfile, screenshots } from './support/chromium.ts';
import { adaProfileShown, continueInPopup, errorText, expireSession, heldAtLeast, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

/** Every request a page of `context` sends to `pathname` from now on, without the worker's own fetches. */
function requestsTo(context: BrowserContext, pathname: string): Request[] {
  const seen: Request[] = [];
  context.on('request', (request) => {
    if (!request.serviceWorker() && new URL(request.url()).pathname === pathname) seen.push(request);
  });
  return seen;
}

/** A new signed-in tab of `context`, once its start-up calls answered: no /auth/me of its own is out at the expiry. */
async function openSignedInTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await studioLoaded(page);
  return page;
}

/** Opens the studio in the first tab of `context` and signs in through the popup, as a user does. */
async function signInFirstTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await signIn(context, page);
  await studioLoaded(page);
  return page;
}

/** The studio has answered every start-up call: user, credits, health. */
async function studioLoaded(page: Page): Promise<void> {
  await page.getByLabel('Prompt').waitFor();
  await adaProfileShown(page);
  await page.getByText(/^Credits: \d+$/).waitFor();
  await page.getByText('jewelry-generate').waitFor();
}

/** The token the tabs share (they keep it in localStorage). */
const sharedToken = (page: Page) => page.evaluate(() => localStorage.getItem('quiet-session.token'));

/** The validations among `requests` to /auth/me: those about `token`, as a held profile load goes again with the new one. */
const validationsOf = (requests: Request[], token: string | null) =>
  requests.filter((request) => request.headers().authorization === `Bearer ${token}`);

/** What a user reads in the app, minus the dev panel (ours, not the app's). */
const visibleText = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));

describe('three tabs of the studio, in Chromium', () => {
  it('expire together, validate once, follow one popup, and all three come back from one reconnect', async () => {
    const shot = screenshots('three-tabs');
    const { context } = served.browser;
    const first = await context.newPage();
    await first.goto(served.app.url);
    // Tokens that outlive the story: no tab checks its token ahead of exp while validations are counted.
    await first.getByLabel(/Token lifetime/).fill('3600');
    await signIn(context, first);
    await studioLoaded(first);
    const second = await openSignedInTab(context, served.app.url);
    const third = await openSignedInTab(context, served.app.url);
    const tabs = [first, second, third];

    const meRequests = requestsTo(context, '/auth/me');
    const expired = await sharedToken(first);
    const opened: Page[] = [];
    context.on('page', (page) => opened.push(page));
    await expireSession(first);
    // Each tab's health poll meets a 401 within a poll or two: a burst across the three.
    for (const page of tabs) {
      await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
      await heldAtLeast(page, 1);
    }
    await shot(third, 'third-tab-expired');
    // Every tab shows the banner, so every validation has answered: however the tabs' 401s fell, there is one.
    const validations = validationsOf(meRequests, expired);
    expect(await Promise.all(validations.map(async (request) => (await request.response())?.status()))).toEqual([401]);

    const popupOpened = context.waitForEvent('page');
    await first.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
    const popup = await popupOpened;
    // Busy; or, once the consent page's COOP makes the popup read closed (300 ms on), Try again: a loaded machine may miss the first.
    await first
      .getByRole('alert')
      .getByRole('button', { name: /^(Reconnecting…|Try again)$/ })
      .waitFor();
    // The other tabs know a popup is open elsewhere and do not offer a second one.
    for (const page of [second, third]) {
      await page.getByRole('alert').filter({ hasText: 'Reconnecting in another tab…' }).waitFor();
      expect(await page.getByRole('alert').getByRole('button').count()).toBe(0);
    }
    await shot(first, 'first-tab-reconnecting');
    await shot(second, 'second-tab-waits');
    await shot(third, 'third-tab-waits');
    await continueInPopup(popup);

    for (const page of tabs) {
      await page.getByRole('alert').waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
      expect(await page.locator('.problem').count()).toBe(0);
      expect(await visibleText(page)).not.toMatch(errorText);
    }
    await shot(third, 'third-tab-back');
    // One popup for three tabs, and it is gone; the one validation is still the only one.
    expect(opened).toEqual([popup]);
    expect(popup.isClosed()).toBe(true);
    expect(validationsOf(meRequests, expired)).toHaveLength(1);
  }, 90_000);

  it('sign out in one tab signs out the others; what they held is given up, not sent for the next sign-in', async () => {
    // A profile of its own: the story above leaves its tabs signed in.
    await inOwnProfile(async (context) => {
      const first = await signInFirstTab(context, served.app.url);
      const second = await openSignedInTab(context, served.app.url);
      await expireSession(first);
      await second.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
      await heldAtLeast(second, 1);

      await first.getByRole('button', { name: 'Sign out' }).click();
      // The browser tells the second tab (a storage event): it shows the sign-in page, with nothing held.
      await second.getByRole('button', { name: 'Sign in with Google' }).waitFor();
      await second.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
      expect(await second.getByRole('alert').count()).toBe(0);

      // Signing in again in the first tab signs the second one in too; it starts afresh, with no error.
      await signIn(context, first);
      await studioLoaded(second);
      expect(await second.getByRole('alert').count()).toBe(0);
      expect(await visibleText(second)).not.toMatch(errorText);
    });
  }, 90_000);

  it('localStorage cleared in one tab signs out that tab too, not only the others: no 401 on its panels', async () => {
    await inOwnProfile(async (context) => {
      const first = await signInFirstTab(context, served.app.url);
      const second = await openSignedInTab(context, served.app.url);
      // Site data cleared from this tab (its console, a "reset" of its own): the browser tells only the other tabs.
      await first.evaluate(() => localStorage.clear());
      await second.getByRole('button', { name: 'Sign in with Google' }).waitFor();

      // The tab it was cleared in finds out at its next call: the sign-in page, as in the other tab.
      await first.getByRole('button', { name: 'Sign in with Google' }).waitFor();
      await first.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
      expect(await first.getByRole('alert').count()).toBe(0);
      expect(await visibleText(first)).not.toMatch(errorText);
    });
  }, 60_000);

  it('reconnecting as another account in one tab: what the other tab held for Ada is given up there too, and it turns to Grace', async () => {
    await inOwnProfile(async (context) => {
      const shot = screenshots('tabs-other-account');
      const first = await signInFirstTab(context, served.app.url);
      const second = await openSignedInTab(context, served.app.url);
      const generates = requestsTo(context, '/api/jewelry/generate');
      await second.getByLabel('Prompt').fill('A moonstone cuff');

      await expireSession(first);
      await second.getByRole('button', { name: 'Generate' }).click();
      for (const page of [first, second]) {
        await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
      }
      await heldAtLeast(second, 1);
      const popupOpened = context.waitForEvent('page');
      await first.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
      await continueInPopup(await popupOpened, 'Grace Hopper');

      // The second tab adopts Grace's token: Ada's Generate is given up there, not sent as Grace.
      await second
        .locator('form.generate .problem')
        .filter({ hasText: 'Signed in as another account — this request was not sent. Try again.' })
        .waitFor();
      for (const page of [first, second]) {
        await page.getByRole('alert').waitFor({ state: 'detached' });
        await page.locator('header .user').filter({ hasText: 'Grace Hopper' }).waitFor();
      }
      await shot(second, 'second-tab-given-up');
      expect(generates).toHaveLength(1); // the one that met the expiry
      expect(await second.getByLabel('Prompt').inputValue()).toBe('A moonstone cuff');
    });
  }, 90_000);

  it("a Generate in one tab shows its spent credit in the other at once, not after that tab's next poll 15 s on", async () => {
    await inOwnProfile(async (context) => {
      const first = await signInFirstTab(context, served.app.url);
      const second = await openSignedInTab(context, served.app.url);
      const before = Number((await second.getByText(/^Credits: \d+$/).textContent())!.slice('Credits: '.length));

      await first.getByLabel('Prompt').fill('A moonstone cuff');
      await first.getByRole('button', { name: 'Generate' }).click();
      await first.getByText(`Credits: ${before - 1}`).waitFor();
      // Well within the 15 s of a poll: only news from the first tab brings it.
      await second.getByText(`Credits: ${before - 1}`).waitFor({ timeout: 5_000 });
    });
  }, 60_000);
});
