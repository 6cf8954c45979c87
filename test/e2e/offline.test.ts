/** @vitest-environment node */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { launchChromium, screenshots } from './support/chromium.ts';
import { errorText, heldAtLeast, signIn } from './support/studio-user.ts';

let app: ServedApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let page: Page;

const offlineLine = "You're offline — your work is kept and will be sent when the connection is back.";
/** Words that belong to an expired session, never to a dropped connection. */
const expiredText = /session expired|reconnect|unauthori[sz]ed|\b401\b|could not validate/i;

beforeAll(async () => {
  app = await serveMockApp();
}, 120_000);
afterAll(async () => {
  await app?.close();
});
beforeEach(async () => {
  browser = await launchChromium();
  context = browser.context;
  // Remembers whether an alert (the banner) was ever in the page, however briefly: "never", not "not now".
  await context.addInitScript(() => {
    const seen = { alert: false };
    (window as unknown as { __alertSeen: typeof seen }).__alertSeen = seen;
    new MutationObserver(() => {
      if (document.querySelector('[role="alert"]')) seen.alert = true;
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['role'] });
  });
  page = await context.newPage();
  await page.goto(app.url);
}, 60_000);
afterEach(async () => {
  await browser?.close();
});

const alertEverShown = () => page.evaluate(() => (window as unknown as { __alertSeen: { alert: boolean } }).__alertSeen.alert);
/** Everything a user can read on the page, minus the dev panel (which is ours, not the app's). */
const visibleText = () => page.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));
const problems = () => page.locator('.problem').allInnerTexts();

describe('an offline spell in the studio, in Chromium', () => {
  it('shows the quiet offline notice, never the banner, and the held Generate goes out once back online', async () => {
    const shot = screenshots('offline');
    // Tokens live 20 s; the app validates 5 s before exp (main.tsx), so at 15 s the session must
    // reach /auth/me, and we make sure the network is down then. Back online before 20 s, the token
    // is still good; after 20 s it really is expired and the banner would be right.
    await page.getByLabel('Token lifetime (s)').fill('20');
    await signIn(context, page);
    const url = page.url();
    const prompt = page.getByLabel('Prompt');
    const draft = 'A rose-gold ring with a pear-cut sapphire';
    await prompt.click();
    await prompt.pressSequentially(draft);
    await page.getByText('jewelry-generate').waitFor(); // the health panel polls
    await page.getByText('Credits: 25').waitFor();
    await shot(page, 'draft');

    await page.getByRole('button', { name: 'Go offline' }).click();
    await page.getByRole('button', { name: 'Back online' }).waitFor();
    // The error a request of this page gets from the dropped connection, as the browser words it.
    const networkError = await page.evaluate(() => fetch('/api/credits').then(() => null, (error: Error) => error.message));
    expect(networkError).toBeTruthy();

    // Offline with a good token: the request simply fails with the network's own error.
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.locator('.generate .problem').filter({ hasText: networkError! }).waitFor();
    await shot(page, 'generate-failed-offline');
    expect(await page.getByRole('alert').count()).toBe(0);

    // The token comes up for renewal while offline: validation cannot reach the backend.
    const notice = page.getByRole('status').filter({ hasText: offlineLine });
    await notice.waitFor({ timeout: 30_000 });
    expect(await page.getByRole('alert').count()).toBe(0);
    // Generate now is held for the session, not failed; the user keeps typing, the notice takes no focus.
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: 'Generating…' }).waitFor();
    await heldAtLeast(page, 1);
    await prompt.click();
    await prompt.press('End');
    await prompt.pressSequentially(', halo');
    await shot(page, 'offline-notice');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await visibleText()).not.toMatch(expiredText);
    // Whatever failed says so in the request's own words.
    for (const problem of await problems()) expect(problem).toBe(networkError);

    await page.getByRole('button', { name: 'Back online' }).click();
    await page.getByRole('button', { name: 'Go offline' }).waitFor();
    await page.getByText(offlineLine).waitFor({ state: 'detached' });
    // The held Generate went out with the same token and the prompt of its click: a workflow started, a credit was spent.
    await page.getByText('Credits: 24').waitFor();
    await page.getByText(`“${draft}”`).waitFor();
    // The panels' next answers clear the errors they showed while offline.
    await page.waitForFunction(() => document.querySelectorAll('.problem').length === 0);
    await shot(page, 'back-online');
    expect(await prompt.inputValue()).toBe(`${draft}, halo`);
    expect(page.url()).toBe(url);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await visibleText()).not.toMatch(errorText);
    expect(await alertEverShown()).toBe(false);
  }, 90_000);
});
