/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { continueInPopup } from '../support/studio-user.ts';
import { networkErrorText, watchConsole } from '../support/stack-user.ts';

// Tokens of 30 s: the notice comes at half their life (the default 2 minutes is longer), the expiry lead (5 s) at 25 s.
const tokenTtlSeconds = 30;
// The test watches the console itself, once the app has loaded.
const run = stackInChromium({ tokenTtlSeconds, watchConsole: false });

describe('the notice before expiry on the reference backend, in Chromium', () => {
  it('asks someone typing to stay signed in; the stand-in Google renews the session with nothing held and no 401', async () => {
    const { context, page } = run;
    const consoleLines = watchConsole(context);
    // The stand-in Google's chooser, through its COOP: the popup has no opener.
    const popupSignIn = async (popup: Page) => {
      await popup.getByRole('button', { name: 'Continue as Ada Lovelace' }).waitFor();
      await continueInPopup(popup);
    };
    const opened = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Google' }).click();
    await popupSignIn(await opened);
    await page.getByLabel('Prompt').waitFor();
    const unauthorized: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 401) unauthorized.push(new URL(response.url()).pathname);
    });

    const prompt = page.getByLabel('Prompt');
    const notice = page.getByRole('status').filter({ hasText: /^Your session ends in/ });
    await prompt.click();
    let typed = 'A rose-gold ring';
    await prompt.pressSequentially(typed);
    for (let words = 0; words < 150 && !(await notice.isVisible()); words++) {
      await prompt.pressSequentially(' and', { delay: 80 });
      typed += ' and';
    }
    await notice.getByRole('button', { name: 'Stay signed in' }).waitFor({ timeout: 1_000 });
    expect(await page.getByRole('alert').count()).toBe(0);

    const renewal = context.waitForEvent('page');
    await notice.getByRole('button', { name: 'Stay signed in' }).click();
    await popupSignIn(await renewal);
    await notice.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active.'));

    // The new token arrived before the old one's lead: nothing was held, nothing answered 401.
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('img', { name: /^Generated design: A rose-gold ring/ }).waitFor();
    expect(await page.getByTestId('held-count').textContent()).toBe('0');
    expect(unauthorized).toEqual([]);
    expect(consoleLines.filter((line) => networkErrorText.test(line))).toEqual([]);
    expect(await prompt.inputValue()).toBe(typed);
  }, 90_000);
});
