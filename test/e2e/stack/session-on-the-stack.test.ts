/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshots } from '../support/chromium.ts';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { adaProfileShown, continueInPopup, errorText, heldAtLeast, signIn } from '../support/studio-user.ts';
import { apiResponses, copySessionReport, networkErrorText, sessionSettled, tokenExpired } from '../support/stack-user.ts';

// The app on the reference stack, nothing mocked; tokens live 6 s, so every expiry comes by the clock, as for users.
const tokenTtlSeconds = 6;
const run = stackInChromium({ tokenTtlSeconds });

const banner = () => run.page.getByRole('alert');
const expiredBanner = (on = run.page) => on.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
const heldNone = (on = run.page) => on.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
/** What a user reads in the app, minus the dev panel (ours, not the app's). */
const visibleText = (on = run.page) =>
  on.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));
/** Console lines that would mean a response was unreadable (no CORS headers) or fetch failed. */
const networkErrors = () => run.consoleLines.filter((line) => networkErrorText.test(line));

/** Waits for the stand-in Google's chooser in `popup`, and checks that COOP cut it off from the app. */
async function chooser(popup: Page): Promise<Page> {
  await popup.getByRole('button', { name: 'Continue as Ada Lovelace' }).waitFor();
  expect(new URL(popup.url()).origin).toBe(run.stack.googleUrl);
  expect(await popup.evaluate(() => window.opener)).toBeNull();
  return popup;
}

/** Presses Reconnect in the banner and resolves with the popup, at the stand-in's chooser. */
async function reconnect(on = run.page): Promise<Page> {
  const opened = run.context.waitForEvent('page');
  await on.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
  return chooser(await opened);
}

describe('the studio on the reference backend and the stand-in Google, in Chromium', () => {
  it('keeps the draft and the Generate through an expiry by the clock, and the reconnect through COOP replays it', async () => {
    const { stack, context, page } = run;
    const shot = screenshots('stack-story');
    const answers = apiResponses(context, stack.apiUrl);
    const adaBefore = await stack.credits('user-ada');
    const opened = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Google' }).click();
    await continueInPopup(await chooser(await opened));
    const prompt = page.getByLabel('Prompt');
    await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    await page.getByText(`Credits: ${adaBefore}`).waitFor();
    const draft = 'A moonstone ring';
    await prompt.click();
    await prompt.pressSequentially(draft);

    // Nobody expires anything: the token's own exp passes while the user works.
    await tokenExpired(page);
    await prompt.pressSequentially(' with seed pearls');
    await page.getByRole('button', { name: 'Generate' }).click();
    await prompt.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(', in silver');
    // The expired token met a 401, which the session read as one: no CORS error, no network failure, not "offline".
    expect({ state: await sessionSettled(page), networkErrors: networkErrors() }).toEqual({
      state: 'needsReauth.waiting',
      networkErrors: [],
    });
    await expiredBanner().waitFor();
    await heldAtLeast(page, 1);
    // Typing goes on into the prompt: the banner took neither the caret nor the text.
    await page.keyboard.type(' and a halo');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    await shot(page, 'banner');
    const refused = answers.filter((answer) => answer.status() === 401);
    expect(refused.length).toBeGreaterThan(0);
    // CORS covers the 401s: the browser let the app read them.
    expect(new Set(refused.map((answer) => answer.headers()['access-control-allow-origin']))).toEqual(new Set([stack.appUrl]));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
    const report = await copySessionReport(page);
    const validation = report.entries.findLast((entry) => entry.event === 'xstate.done.actor.validateSession');
    expect(validation).toMatchObject({ detail: 'expired', state: 'needsReauth.waiting' });
    expect(report.entries.filter((entry) => entry.state?.startsWith('offline'))).toEqual([]);
    expect(await prompt.inputValue()).toBe(`${draft} with seed pearls, in silver and a halo`);
    expect(await page.getByRole('button', { name: 'Generating…' }).isDisabled()).toBe(true);
    expect(await visibleText()).not.toMatch(errorText);

    const popup = await reconnect();
    // The popup has no opener: the token comes over the channel. The banner may ask to finish there meanwhile.
    await shot(page, 'reconnecting');
    await continueInPopup(popup);
    await banner().waitFor({ state: 'detached' });
    await page.getByRole('img', { name: `Generated design: ${draft} with seed pearls` }).waitFor();
    await page.getByText(`Credits: ${adaBefore - 1}`).waitFor();
    await shot(page, 'design');
    expect(await prompt.inputValue()).toBe(`${draft} with seed pearls, in silver and a halo`);
    expect(await page.locator('.problem').count()).toBe(0);
    // The held Generate reached the backend once: one credit spent.
    expect(await stack.credits('user-ada')).toBe(adaBefore - 1);
    expect(networkErrors()).toEqual([]);
  }, 60_000);

  it('says at once that sign-in was cancelled at Google, keeps the requests held, and a second Reconnect works', async () => {
    const { context, page } = run;
    const shot = screenshots('stack-cancel');
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    // The health panel polls: the first poll after the exp is held.
    await expiredBanner().waitFor({ timeout: (tokenTtlSeconds + 10) * 1000 });
    await heldAtLeast(page, 1);

    const popup = await reconnect();
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Cancel' }).click();
    // At once: well before the popup's deadline, as soon as the callback page hears access_denied.
    await banner().getByText('Signing in with Google was cancelled. Press Reconnect when you are ready.').waitFor({ timeout: 5_000 });
    await closed;
    await shot(page, 'cancelled');
    expect(await page.getByTestId('session-state').textContent()).toBe('needsReauth.waiting');
    await heldAtLeast(page, 1);

    await continueInPopup(await reconnect());
    await banner().waitFor({ state: 'detached' });
    await heldNone();
    expect(await page.locator('.problem').count()).toBe(0);
    expect(networkErrors()).toEqual([]);
  }, 60_000);

  it('three tabs expire together, follow one popup, and all come back', async () => {
    const { stack, context, page } = run;
    const shot = screenshots('stack-tabs');
    await signIn(context, page);
    const tabs = [page];
    for (let n = 0; n < 2; n++) {
      const tab = await context.newPage();
      await tab.goto(stack.appUrl);
      await adaProfileShown(tab);
      tabs.push(tab);
    }
    for (const tab of tabs) await tab.getByText('jewelry-generate').waitFor();
    const opened: Page[] = [];
    context.on('page', (tab) => opened.push(tab));
    for (const tab of tabs) {
      await expiredBanner(tab).waitFor({ timeout: (tokenTtlSeconds + 10) * 1000 });
      await heldAtLeast(tab, 1);
    }

    const popup = await reconnect(page);
    for (const tab of tabs.slice(1)) {
      await tab.getByRole('alert').filter({ hasText: 'Reconnecting in another tab…' }).waitFor();
      expect(await tab.getByRole('alert').getByRole('button').count()).toBe(0);
    }
    await shot(tabs[2]!, 'third-tab-waits');
    await continueInPopup(popup);
    for (const tab of tabs) {
      await tab.getByRole('alert').waitFor({ state: 'detached' });
      await heldNone(tab);
      expect(await tab.locator('.problem').count()).toBe(0);
      expect(await visibleText(tab)).not.toMatch(errorText);
    }
    expect(opened).toEqual([popup]);
    expect(networkErrors()).toEqual([]);
  }, 60_000);

  it('reconnecting as Grace gives up what was held for Ada: the backend never sees it, with either token', async () => {
    const { stack, context, page } = run;
    const shot = screenshots('stack-other-account');
    // Ada designed something earlier: her balance is not Grace's, so the badge shows whose it is.
    await stack.generate('user-ada', 'An earlier brooch');
    const before = { ada: await stack.credits('user-ada'), grace: await stack.credits('user-grace') };
    expect(before.ada).not.toBe(before.grace);
    const generates: string[] = [];
    context.on('request', (request) => {
      if (request.url() === `${stack.apiUrl}/api/jewelry/generate` && request.method() === 'POST')
        generates.push(request.headers().authorization ?? '');
    });
    await signIn(context, page);
    await page.getByText(`Credits: ${before.ada}`).waitFor();
    const prompt = page.getByLabel('Prompt');
    await prompt.fill('An emerald pendant');
    await tokenExpired(page);
    await page.getByRole('button', { name: 'Generate' }).click();
    await expiredBanner().waitFor();
    await heldAtLeast(page, 1);

    const popup = await reconnect();
    await continueInPopup(popup, 'Grace Hopper');
    await page
      .locator('form.generate .problem')
      .filter({ hasText: 'Signed in as another account — this request was not sent. Try again.' })
      .waitFor();
    await banner().waitFor({ state: 'detached' });
    await page.locator('header .user').filter({ hasText: 'Grace Hopper' }).waitFor();
    // Grace's balance, not the one Ada had on screen.
    await page.getByText(`Credits: ${before.grace}`).waitFor({ timeout: 3_000 });
    await shot(page, 'given-up');
    expect(await prompt.inputValue()).toBe('An emerald pendant');
    // At the backend: no generation for either of them; in the browser: none ever left with Grace's token.
    expect({ ada: await stack.credits('user-ada'), grace: await stack.credits('user-grace') }).toEqual(before);
    const sentFor = generates.map((header) => JSON.parse(Buffer.from(header.split('.')[1] ?? '', 'base64url').toString() || '{}').sub);
    expect(sentFor.filter((sub) => sub !== 'user-ada')).toEqual([]);
    expect(networkErrors()).toEqual([]);
  }, 60_000);

  it('the admin batches page keeps its rows through an expiry, and the next page comes after the reconnect', async () => {
    const { context, page } = run;
    const shot = screenshots('stack-admin');
    await signIn(context, page);
    await page.getByRole('link', { name: 'Admin batches' }).click();
    await page.getByRole('cell', { name: 'batch-001' }).waitFor();
    await page.getByText('Page 1 of 5').waitFor();
    const url = page.url();

    await tokenExpired(page);
    await page.getByRole('button', { name: 'Next' }).click();
    await expiredBanner().waitFor();
    await heldAtLeast(page, 1);
    await shot(page, 'expired');
    expect(await page.getByRole('cell', { name: 'batch-001' }).isVisible()).toBe(true);
    expect(await page.locator('.problem').count()).toBe(0);

    await continueInPopup(await reconnect());
    await banner().waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'batch-011' }).waitFor();
    await page.getByText('Page 2 of 5').waitFor();
    await shot(page, 'page-2');
    expect(await page.locator('.problem').count()).toBe(0);
    expect(page.url()).toBe(url);
    expect(networkErrors()).toEqual([]);
  }, 60_000);
});
