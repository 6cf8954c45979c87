/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { continueInPopup, signIn } from '../support/studio-user.ts';
import { networkErrorText, tokenExpired } from '../support/stack-user.ts';

// Tokens of 6 s: the session expires by the clock while the test waits on the banner.
const tokenTtlSeconds = 6;
const run = stackInChromium({ tokenTtlSeconds });

describe('reloading mid-sign-in on the reference backend, in Chromium', () => {
  it('asks to finish in the stand-in Google window after the reload, and finishing there brings the session back', async () => {
    const { context, page, consoleLines } = run;
    await signIn(context, page);
    await tokenExpired(page);
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor({ timeout: 20_000 });
    const opened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await opened;
    await popup.getByRole('button', { name: 'Continue as Ada Lovelace' }).waitFor();

    // The stand-in sends COOP: the popup has no opener, and after the reload the app cannot see it at all.
    await page.reload();
    await banner.filter({ hasText: 'Finish signing in in the Google window.' }).waitFor();
    let popupsAfterReload = 0;
    context.on('page', () => popupsAfterReload++);
    await continueInPopup(popup);
    await banner.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active'));
    expect(popupsAfterReload).toBe(0);
    expect(consoleLines.filter((line) => networkErrorText.test(line))).toEqual([]);
  }, 60_000);
});
