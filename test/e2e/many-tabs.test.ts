/** @vitest-environment node */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { launchChromium, screenshots } from './support/chromium.ts';
import { continueInPopup, expireSession, heldAtLeast, signIn } from './support/studio-user.ts';

let app: ServedApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  app = await serveMockApp();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('two tabs of the studio, in Chromium', () => {
  it('expire together, follow one popup, and both come back from one reconnect', async () => {
    const shot = screenshots('two-tabs');
    const { context } = browser;
    const first = await context.newPage();
    await first.goto(app.url);
    await signIn(context, first);
    const second = await context.newPage();
    await second.goto(app.url);
    await second.getByLabel('Prompt').waitFor(); // signed in already: the tabs share the token
    await second.getByText('jewelry-generate').waitFor();

    const opened: unknown[] = [];
    context.on('page', (page) => opened.push(page));
    await expireSession(first);
    for (const page of [first, second]) {
      await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
      await heldAtLeast(page, 1);
    }

    const popupOpened = context.waitForEvent('page');
    await first.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
    const popup = await popupOpened;
    // The other tab knows a popup is open elsewhere and does not offer a second one.
    await second.getByRole('alert').filter({ hasText: 'Reconnecting in another tab…' }).waitFor();
    expect(await second.getByRole('button', { name: 'Reconnect' }).isDisabled()).toBe(true);
    await shot(second, 'second-tab-waits');
    await continueInPopup(popup);

    for (const page of [first, second]) {
      await page.getByRole('alert').waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');
      expect(await page.locator('.problem').count()).toBe(0);
    }
    // One popup for two tabs, and it is gone.
    expect(opened).toEqual([popup]);
    expect(popup.isClosed()).toBe(true);
  }, 90_000);
});
