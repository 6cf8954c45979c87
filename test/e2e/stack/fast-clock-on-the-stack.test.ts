/** @vitest-environment node */
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { signIn } from '../support/studio-user.ts';

// Tokens of an hour, the backend's default; the notice comes 2 minutes before exp.
const tokenTtlSeconds = 3600;
const run = stackInChromium({ tokenTtlSeconds });

/** The browser's clock is this far ahead of the backend's: on it, a token just issued has a minute left. */
const browserAheadMs = (tokenTtlSeconds - 60) * 1000;
/** A network a little slow: each answer of the API takes this long to come. */
const latencyMs = 300;

describe("the browser's clock nearly an hour ahead of the backend's, on the reference stack in Chromium", () => {
  it('never says the session ends in a minute after sign-in: the first answers say an hour is left', async () => {
    const { context, page, stack } = run;
    await context.clock.install({ time: Date.now() + browserAheadMs });
    // Every text the notice ever shows, however briefly (a screen reader reads it out).
    await context.addInitScript(() => {
      const shown: string[] = [];
      (window as unknown as { noticeTexts: string[] }).noticeTexts = shown;
      new MutationObserver(() => {
        const text = document.querySelector('.session-reminder')?.textContent;
        if (text) shown.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.route(`${stack.apiUrl}/api/**`, async (route) => {
      await delay(latencyMs);
      await route.continue();
    });
    await page.reload();
    await signIn(context, page);
    const credits = await stack.credits('user-ada');
    await page.getByText(`Credits: ${credits}`).waitFor();
    await page.getByText('jewelry-generate').waitFor();
    await page.getByLabel('Prompt').pressSequentially('A pearl ring');
    await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent === 'active.quiet');

    expect(await page.evaluate(() => (window as unknown as { noticeTexts: string[] }).noticeTexts)).toEqual([]);
    expect(await page.getByRole('button', { name: 'Stay signed in' }).count()).toBe(0);
  }, 60_000);
});
