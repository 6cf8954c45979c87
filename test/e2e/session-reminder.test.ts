/** @vitest-environment node */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { lastOpenWasInClick, launchChromium, screenshots, traceWindowOpen } from './support/chromium.ts';
import { continueInPopup, errorText, signIn } from './support/studio-user.ts';

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
  // Every state the dev panel shows and the most requests it ever saw held, however briefly.
  await context.addInitScript(() => {
    const seen = { states: [] as string[], mostHeld: 0 };
    (window as unknown as { __session: typeof seen }).__session = seen;
    new MutationObserver(() => {
      const state = document.querySelector('[data-testid="session-state"]')?.textContent;
      if (state && seen.states.at(-1) !== state) seen.states.push(state);
      seen.mostHeld = Math.max(seen.mostHeld, Number(document.querySelector('[data-testid="held-count"]')?.textContent ?? 0));
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  page = await context.newPage();
  await page.goto(app.url);
}, 60_000);
afterEach(async () => {
  await browser?.close();
});

const sessionSeen = () => page.evaluate(() => (window as unknown as { __session: { states: string[]; mostHeld: number } }).__session);

describe('the notice before the session ends, in Chromium', () => {
  it('asks someone typing to stay signed in, and the popup renews the session with nothing held and nothing failed', async () => {
    const shot = screenshots('session-reminder');
    // Tokens of 30 s: the notice comes at 10 s (20 s before exp), requests would be held from 25 s.
    await page.getByLabel('Token lifetime (s)').fill('30');
    await signIn(context, page);
    const unauthorized: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 401) unauthorized.push(response.url());
    });
    const prompt = page.getByLabel('Prompt');
    const notice = page.getByRole('status').filter({ hasText: 'Your session ends in less than a minute' });
    await prompt.click();
    await prompt.pressSequentially('A rose-gold ring');
    // Keep typing as the token nears its end (it shows about 10 s after signing in).
    for (let words = 0; words < 100 && !(await notice.isVisible()); words++) await prompt.pressSequentially(' and', { delay: 80 });
    await notice.waitFor({ timeout: 1_000 });
    await shot(page, 'notice');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    expect(await page.getByRole('alert').count()).toBe(0);

    const popupOpened = context.waitForEvent('page');
    await notice.getByRole('button', { name: 'Stay signed in' }).click();
    const popup = await popupOpened;
    expect(await lastOpenWasInClick(page)).toBe(true);
    await page.getByRole('status').filter({ hasText: 'Finish signing in in the Google window.' }).waitFor();
    await continueInPopup(popup);
    await page.getByText('Finish signing in in the Google window.').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent === 'active.quiet');
    await shot(page, 'renewed');

    // The session went from the notice to the popup and back: never validating, never expired, nothing held.
    const { states, mostHeld } = await sessionSeen();
    expect(
      states.filter((state) => !['active.quiet', 'active.due', 'active.reminding', 'reauthenticating.renewing'].includes(state)),
    ).toEqual([]);
    expect(states).toContain('reauthenticating.renewing');
    expect(mostHeld).toBe(0);
    expect(unauthorized).toEqual([]);
    expect(await page.locator('.problem').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await prompt.inputValue()).toMatch(/^A rose-gold ring( and)*$/);
    expect(await page.locator('main').innerText()).not.toMatch(errorText);
  }, 90_000);

  it('is one notice for all tabs: Not now in one hides it in the other', async () => {
    await page.getByLabel('Token lifetime (s)').fill('30');
    await signIn(context, page);
    const other = await context.newPage();
    await other.goto(app.url);
    await other.getByLabel('Prompt').waitFor();
    const notice = (tab: Page) => tab.getByRole('status').filter({ hasText: 'Your session ends in less than a minute' });
    // Someone uses both tabs (the notice is for a page in use).
    for (const tab of [page, other]) await tab.getByLabel('Prompt').pressSequentially('A cameo');
    await notice(page).waitFor({ timeout: 30_000 });
    await notice(other).waitFor();

    await notice(page).getByRole('button', { name: 'Not now' }).click();
    await notice(page).waitFor({ state: 'detached' });
    await notice(other).waitFor({ state: 'detached' });
    expect(await other.getByTestId('session-state').innerText()).toBe('active.dismissed');
  }, 90_000);
});
