/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { continueInPopup, errorText, heldAtLeast, signIn } from '../support/studio-user.ts';
import { tokenExpired } from '../support/stack-user.ts';

// Users leave for another site and press Back: Chromium restores the page as it was, timers and held calls included.
const run = stackInChromium({ tokenTtlSeconds: 15, backForwardCache: true });

/** Back to the studio; resolves with how it came: `restored` from the back/forward cache, or `loaded` anew. */
async function back(page: Page): Promise<string> {
  await page.goBack({ waitUntil: 'commit' });
  const shown = await page.waitForFunction(() => (window as unknown as { lastPageshow?: string }).lastPageshow);
  return (await shown.jsonValue()) as string;
}

const visibleText = (on: Page) =>
  on.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));

describe('the studio in the back/forward cache, on the reference stack in Chromium', () => {
  it('keeps a held Generate through another site and Back, and sends it once after Reconnect', async () => {
    const { stack, context, page } = run;
    await signIn(context, page);
    const before = await stack.credits('user-ada');
    await tokenExpired(page);
    await page.getByLabel('Prompt').fill('A moonstone cuff');
    await page.getByRole('button', { name: 'Generate' }).click();
    await heldAtLeast(page, 1);
    await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();

    // On this document, and on whatever page Back shows instead (a new load).
    const noteHowShown = () =>
      addEventListener('pageshow', (event) => {
        (window as unknown as { lastPageshow: string }).lastPageshow = event.persisted ? 'restored' : 'loaded';
      });
    await page.evaluate(noteHowShown);
    await context.addInitScript(noteHowShown);
    await page.goto(`${stack.apiUrl}/health`);
    expect(await back(page)).toBe('restored');
    await heldAtLeast(page, 1);
    const opened = context.waitForEvent('page');
    await page.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await opened);
    await page.getByRole('alert').waitFor({ state: 'detached' });
    await page.getByRole('img', { name: 'Generated design: A moonstone cuff' }).waitFor({ timeout: 30_000 });
    expect(await visibleText(page)).not.toMatch(errorText);
    // Sent once: one credit spent.
    expect(await stack.credits('user-ada')).toBe(before - 1);
  }, 120_000);
});
