/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { adaProfileShown, continueInPopup, errorText, heldAtLeast, signIn } from '../support/studio-user.ts';
import { tokenExpired } from '../support/stack-user.ts';

// Two tabs on the reference stack whose backend restarts while the user is at Google's chooser.
const run = stackInChromium({ tokenTtlSeconds: 15, switchableApi: true });

const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";
const unreachable = "Signing in with Google did not finish: the studio's server could not be reached (server_unreachable).";
const expiredBanner = (on: Page) => on.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
const heldNone = (on: Page) => on.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
const visibleText = (on: Page) =>
  on.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));

describe('a backend that restarts during a Reconnect, in two tabs of Chromium', () => {
  it('keeps the held Generate through sign-ins the restart cut off, and sends it once when the backend is back', async () => {
    const { stack, context, page } = run;
    const api = stack.apiSwitch!;
    await signIn(context, page);
    const before = await stack.credits('user-ada');
    const other = await context.newPage();
    await other.goto(stack.appUrl);
    await adaProfileShown(other);
    await page.getByLabel('Prompt').fill('A topaz brooch');
    await tokenExpired(page);
    await page.getByRole('button', { name: 'Generate' }).click();
    await heldAtLeast(page, 1);

    // As many times as the app allows a sign-in to fail (reauthAttempts, 3): the backend is up when the popup
    // opens, and goes down while the user picks the account, so the callback page cannot trade the code.
    for (let restart = 0; restart < 3; restart++) {
      try {
        await expiredBanner(page).waitFor({ timeout: 30_000 });
        const opened = context.waitForEvent('page');
        await page.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
        const popup = await opened;
        await popup.getByRole('button', { name: 'Continue as Ada Lovelace' }).waitFor();
        await other.getByRole('alert').filter({ hasText: 'Reconnecting in another tab…' }).waitFor();
        await api.down();
        await continueInPopup(popup);
        // The backend could not be reached: the tab waits for it, as when the popup's own check finds it down.
        await page.getByText(offlineLine).waitFor({ timeout: 5_000 });
        expect(await page.getByText('Generating…').count()).toBe(1);
      } finally {
        await api.up();
      }
    }

    await expiredBanner(page).waitFor({ timeout: 30_000 });
    // The backend answered since: the banner no longer says it could not be reached, it simply offers Reconnect.
    expect(await page.getByText(unreachable).count()).toBe(0);
    const opened = context.waitForEvent('page');
    await other.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await opened);
    for (const tab of [page, other]) {
      await tab.getByRole('alert').waitFor({ state: 'detached' });
      await heldNone(tab);
      expect(await tab.getByText(offlineLine).count()).toBe(0);
    }
    await page.getByRole('img', { name: 'Generated design: A topaz brooch' }).waitFor({ timeout: 30_000 });
    expect(await visibleText(page)).not.toMatch(errorText);
    // Sent once: one credit spent.
    expect(await stack.credits('user-ada')).toBe(before - 1);
  }, 150_000);
});
