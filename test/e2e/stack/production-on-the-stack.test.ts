/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { adaProfileShown, continueInPopup, errorText } from '../support/studio-user.ts';
import { networkErrorText, tokenExpired } from '../support/stack-user.ts';

// What users ship: `vite build` served by `vite preview`, on the reference backend and the stand-in Google. No dev panel.
const tokenTtlSeconds = 20;
const run = stackInChromium({ tokenTtlSeconds, switchableApi: true, app: 'build' });

const visibleText = (on = run.page) => on.evaluate(() => document.getElementById('root')?.innerText ?? '');
const expiredBanner = (on = run.page) => on.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";

/** Opens the popup with `button`, checks it is the stand-in's chooser, cut off from the app by COOP, and picks `account`. */
async function choose(button: () => Promise<void>, account = 'Ada Lovelace'): Promise<void> {
  const opened = run.context.waitForEvent('page');
  await button();
  const popup = await opened;
  await popup.getByRole('button', { name: `Continue as ${account}` }).waitFor();
  expect(new URL(popup.url()).origin).toBe(run.stack.googleUrl);
  expect(await popup.evaluate(() => window.opener)).toBeNull();
  await continueInPopup(popup, account);
}

describe('the production build on the reference stack, in Chromium', () => {
  it('signs in through COOP, survives a reload, an outage and an expiry with a held Generate, and signs out for Grace', async () => {
    const { stack, page, consoleLines } = run;
    expect(await page.locator('.dev-panel').count()).toBe(0);
    // The callback page is a route of the built app: the static server answers it with index.html.
    await choose(() => page.getByRole('button', { name: 'Sign in with Google' }).click());
    await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    const before = { ada: await stack.credits('user-ada'), grace: await stack.credits('user-grace') };
    await page.getByText(`Credits: ${before.ada}`).waitFor();

    await page.reload();
    await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
    await page.getByText('jewelry-generate').waitFor();
    try {
      await stack.apiSwitch!.down();
      await page.getByText(offlineLine).waitFor({ timeout: 20_000 });
    } finally {
      await stack.apiSwitch!.up();
    }
    await page.getByText(offlineLine).waitFor({ state: 'detached', timeout: 30_000 });

    const prompt = page.getByLabel('Prompt');
    await prompt.fill('A moonstone ring');
    await tokenExpired(page);
    await page.getByRole('button', { name: 'Generate' }).click();
    await expiredBanner().waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Generating…' }).isDisabled()).toBe(true);
    expect(await visibleText()).not.toMatch(errorText);
    await choose(() => expiredBanner().getByRole('button', { name: 'Reconnect' }).click());
    await expiredBanner().waitFor({ state: 'detached' });
    await page.getByRole('img', { name: 'Generated design: A moonstone ring' }).waitFor();
    await page.getByText(`Credits: ${before.ada - 1}`).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await choose(() => page.getByRole('button', { name: 'Sign in with Google' }).click(), 'Grace Hopper');
    await page.locator('header .user').filter({ hasText: 'Grace Hopper' }).waitFor();
    await page.getByText(`Credits: ${before.grace}`).waitFor();
    await page.getByText('Generate a design to start a workflow.').waitFor();
    expect(await visibleText()).not.toMatch(errorText);
    // The held Generate reached the backend once, as Ada.
    expect({ ada: await stack.credits('user-ada'), grace: await stack.credits('user-grace') }).toEqual({ ...before, ada: before.ada - 1 });
    expect(consoleLines.filter((line) => networkErrorText.test(line) || line.startsWith('pageerror'))).toEqual([]);
  }, 120_000);

  it('says a cancelled sign-in in words, and finishes a reconnect in the Google window after a reload of its tab', async () => {
    const { stack, context, page, consoleLines } = run;
    const cancel = async (button: () => Promise<void>) => {
      const opened = context.waitForEvent('page');
      await button();
      const popup = await opened;
      const closed = popup.waitForEvent('close');
      await popup.getByRole('button', { name: 'Cancel' }).click();
      await closed;
    };
    await cancel(() => page.getByRole('button', { name: 'Sign in with Google' }).click());
    await page.getByText('Signing in with Google was cancelled. Press Sign in with Google when you are ready.').waitFor();
    await choose(() => page.getByRole('button', { name: 'Sign in with Google' }).click());
    const tab = await context.newPage();
    await tab.goto(stack.appUrl);
    await adaProfileShown(tab);

    await tokenExpired(page);
    await expiredBanner().waitFor({ timeout: 20_000 });
    await expiredBanner(tab).waitFor({ timeout: 20_000 });
    await cancel(() => expiredBanner().getByRole('button', { name: 'Reconnect' }).click());
    await expiredBanner().getByText('Signing in with Google was cancelled. Press Reconnect when you are ready.').waitFor();

    const opened = context.waitForEvent('page');
    await expiredBanner().getByRole('button', { name: 'Reconnect' }).click();
    const popup = await opened;
    await popup.getByRole('button', { name: 'Continue as Ada Lovelace' }).waitFor();
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Finish signing in in the Google window.' }).waitFor();
    await tab.getByRole('alert').filter({ hasText: 'Reconnecting in another tab…' }).waitFor();
    await continueInPopup(popup);
    for (const each of [page, tab]) {
      await each.getByRole('alert').waitFor({ state: 'detached' });
      await each.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
      expect(await visibleText(each)).not.toMatch(errorText);
    }
    expect(consoleLines.filter((line) => networkErrorText.test(line) || line.startsWith('pageerror'))).toEqual([]);
  }, 120_000);
});
