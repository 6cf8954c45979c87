/** @vitest-environment node */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { continueInPopup, signIn } from '../support/studio-user.ts';
import { networkErrorText, startTestStack, tokenExpired, watchConsole, type TestStack } from '../support/stack-user.ts';

// Tokens of 6 s: the session expires by the clock while the test waits on the banner.
const tokenTtlSeconds = 6;
let stack: TestStack;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;

beforeAll(async () => {
  stack = await startTestStack({ tokenTtlSeconds });
  browser = await launchChromium();
  context = browser.context;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
}, 20_000);

describe('reloading mid-sign-in on the reference backend, in Chromium', () => {
  it('asks to finish in the stand-in Google window after the reload, and finishing there brings the session back', async () => {
    const consoleLines = watchConsole(context);
    const page: Page = await context.newPage();
    await page.goto(stack.appUrl);
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
