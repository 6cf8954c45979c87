/** @vitest-environment node */
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { root, serveMockApp, type ServedApp } from './support/app-server.ts';
import { lastOpenWasInClick, launchChromium, screenshots, traceWindowOpen } from './support/chromium.ts';
import { continueInPopup, errorText, expireSession, heldAtLeast, signIn } from './support/studio-user.ts';

let app: ServedApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await serveMockApp();
}, 120_000);
afterAll(async () => {
  await app?.close();
});
beforeEach(async () => {
  browser = await launchChromium();
  context = browser.context;
  await traceWindowOpen(context);
  page = await context.newPage();
  await page.goto(app.url);
}, 60_000);
afterEach(async () => {
  await browser?.close();
});

/** Everything a user can read on the page, minus the dev panel (which is ours, not the app's). */
const visibleText = () =>
  page.evaluate(
    () =>
      document.querySelector('#root > :not(.dev-panel)') &&
      [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'),
  );

describe('an expiring session in the studio, in Chromium', () => {
  it('keeps the draft and the Generate click through an expiry, and the popup reconnect brings them back', async () => {
    const shot = screenshots('reconnect');
    // The popup blocker is on: a second window.open in one gesture is refused.
    expect(
      await page.evaluate(() => {
        const first = window.open('about:blank');
        const second = window.open('about:blank');
        first?.close();
        second?.close();
        return [first !== null, second !== null];
      }),
    ).toEqual([true, false]);

    await shot(page, 'signed-out');
    await signIn(context, page);
    expect(await lastOpenWasInClick(page)).toBe(true);
    const url = page.url();
    const prompt = page.getByLabel('Prompt');
    const draft = 'A rose-gold ring with a pear-cut sapphire';
    await prompt.click();
    await prompt.pressSequentially(draft);
    await page.getByText('jewelry-generate').waitFor(); // the health panel polls
    await page.getByText('Credits: 25').waitFor();
    await shot(page, 'draft');

    await expireSession(page);
    // The Generate or a health poll meets the dead token first (the other is then held, never sent).
    const first401 = page.waitForResponse((r) => r.url().includes('/api/') && r.status() === 401);
    await page.getByRole('button', { name: 'Generate' }).click();
    await first401;
    // Keep typing: the banner must not take the caret away.
    await prompt.click();
    await prompt.press('End');
    await prompt.pressSequentially(', halo setting');
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await heldAtLeast(page, 2); // the Generate and the next health poll are held, not failed
    await prompt.pressSequentially(' in platinum');
    await shot(page, 'banner');
    await banner.screenshot({ path: resolve(root, 'test-results/e2e/reconnect/banner-only.png') });

    expect(await prompt.inputValue()).toBe(`${draft}, halo setting in platinum`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    expect(page.url()).toBe(url);
    expect(await page.getByRole('button', { name: 'Generating…' }).isDisabled()).toBe(true);
    expect(await page.locator('.problem').count()).toBe(0);
    expect(await visibleText()).not.toMatch(errorText);

    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await popupOpened; // opened by the click itself, with the blocker on
    // window.open ran inside the click listener's own call stack: reconnect() runs reauthenticate synchronously.
    expect(await lastOpenWasInClick(page)).toBe(true);
    await popup.getByRole('button', { name: /^Continue as Ada Lovelace$/ }).waitFor();
    // The consent page sends COOP, as Google's may: the popup reads closed, so the banner asks to finish there, not fails.
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    await banner.getByText('Finish signing in in the Google window.').waitFor();
    await shot(page, 'reconnecting');
    await shot(popup, 'popup-consent');
    await continueInPopup(popup);

    await banner.waitFor({ state: 'detached' });
    const result = page.getByRole('img', { name: `Generated design: ${draft}` });
    await result.waitFor();
    await page.getByText('Credits: 24').waitFor();
    await shot(page, 'held-generate-completed');
    expect(await prompt.inputValue()).toBe(`${draft}, halo setting in platinum`);
    expect(page.url()).toBe(url);
    expect(await visibleText()).not.toMatch(errorText);

    // Save the banner for the README when asked, or when it is missing.
    const docs = resolve(root, 'docs/banner.png');
    if (process.env.UPDATE_SCREENSHOTS || !existsSync(docs)) {
      await mkdir(resolve(root, 'docs'), { recursive: true });
      await copyFile(resolve(root, 'test-results/e2e/reconnect/03-banner.png'), docs);
    }
  }, 90_000);

  it('does not send what Ada held as Grace when the reconnect popup comes back as another account', async () => {
    const shot = screenshots('other-account');
    await signIn(context, page);
    await page.locator('.user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    await page.getByText('Credits: 25').waitFor();
    const prompt = page.getByLabel('Prompt');
    const draft = 'An emerald pendant';
    await prompt.fill(draft);
    const generateSends: Array<string | undefined> = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/jewelry/generate')) generateSends.push(request.headers().authorization);
    });

    await expireSession(page);
    await page.getByRole('button', { name: 'Generate' }).click();
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await heldAtLeast(page, 1);
    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await popupOpened, 'Grace Hopper');

    await banner.waitFor({ state: 'detached' });
    // The held Generate is given up with a plain message; the page is Grace's from now on, the draft still there.
    await page.locator('.problem').filter({ hasText: 'Signed in as another account — this request was not sent. Try again.' }).waitFor();
    await page.locator('.user').filter({ hasText: 'Grace Hopper' }).waitFor();
    await shot(page, 'given-up');
    expect(generateSends).toHaveLength(1); // the one that met the expiry; never resent with Grace's token
    expect(await prompt.inputValue()).toBe(draft);
    await page.getByText('Credits: 25').waitFor(); // nothing was generated, for either of them
  }, 90_000);

  it('shows Grace nothing of the design Ada was generating, nor asks after it as Grace, once the reconnect comes back as her', async () => {
    await signIn(context, page);
    await page.locator('.user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    const draft = 'A locket with Ada’s initials';
    await page.getByLabel('Prompt').fill(draft);
    /** Whose token each workflow poll carried (the token's sub). */
    const pollsFor: string[] = [];
    page.on('request', (request) => {
      const bearer = request.headers().authorization;
      if (!request.url().includes('/api/workflows/') || !bearer) return;
      pollsFor.push(JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString()).sub);
    });
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText('Running…').waitFor(); // Ada's workflow is polled every second

    await expireSession(page);
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await heldAtLeast(page, 1);
    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await popupOpened, 'Grace Hopper');
    await page.locator('.user').filter({ hasText: 'Grace Hopper' }).waitFor();

    // Ada's workflow is not Grace's: it leaves the page, as the admin rows and the balance do, and is never asked after as her.
    await page.getByText('Generate a design to start a workflow.').waitFor();
    expect(await page.getByRole('img', { name: `Generated design: ${draft}` }).count()).toBe(0);
    expect(pollsFor.filter((sub) => sub !== 'user-ada')).toEqual([]);
    expect(await page.getByLabel('Prompt').inputValue()).toBe(draft); // what she typed stays on screen
  }, 90_000);

  it('keeps waiting with a hint when the popup is closed, and Try again opens one that signs in', async () => {
    const shot = screenshots('popup-closed');
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    await expireSession(page);
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor(); // the health poll hit 401
    await heldAtLeast(page, 1);

    const firstPopup = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await firstPopup;
    await popup.getByRole('button', { name: /^Continue as Ada Lovelace$/ }).waitFor();
    await popup.close(); // the user closes the window without signing in
    // Closed and cut off by COOP look the same from here: the sign-in waits on, and says so.
    await banner.getByText('Finish signing in in the Google window.').waitFor();
    expect(await banner.textContent()).toContain('Closed it, or cannot find it? Press Try again.');
    await shot(page, 'closed-hint');
    expect(await page.getByLabel('Prompt').isVisible()).toBe(true);
    await heldAtLeast(page, 1); // still held, not failed

    const secondPopup = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Try again' }).click();
    expect(await lastOpenWasInClick(page)).toBe(true);
    await continueInPopup(await secondPopup);
    await banner.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
    await page.getByText('jewelry-generate').waitFor();
    await shot(page, 'second-try-worked');
    expect(await page.locator('.problem').count()).toBe(0);
  }, 90_000);

  it('says at once that sign-in was cancelled on the consent page, keeps the requests held, and a second try works', async () => {
    const shot = screenshots('popup-cancelled');
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    await expireSession(page);
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await heldAtLeast(page, 1);

    const firstPopup = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await firstPopup;
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Cancel' }).click();
    await banner.getByText('Signing in with Google was cancelled. Press Reconnect when you are ready.').waitFor();
    await closed; // the callback page closed itself once the studio had its answer
    await shot(page, 'cancelled-message');
    await heldAtLeast(page, 1);

    const secondPopup = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await secondPopup);
    await banner.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
    expect(await page.locator('.problem').count()).toBe(0);
  }, 90_000);
});
