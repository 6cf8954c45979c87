/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { expireSession, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

describe('the studio 320 px wide (a 1280 px window at 400% zoom), in Chromium', () => {
  it('shows the header and the banner whole, with no scrolling sideways', async () => {
    const { context } = served.browser;
    const page = await context.newPage();
    await page.setViewportSize({ width: 320, height: 568 });
    await page.goto(served.app.url);
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    await expireSession(page);
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(320);
    // Sign out and Reconnect are in sight, not past the right edge.
    for (const button of [page.getByRole('button', { name: 'Sign out' }), banner.getByRole('button', { name: 'Reconnect' })]) {
      const box = (await button.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(320);
    }
    await page.close();
  }, 90_000);

  it('keeps the banner in sight 256 px high, where the dev panel takes the whole height', async () => {
    const { context } = served.browser;
    for (const open of context.pages()) await open.close();
    const page = await context.newPage();
    await page.setViewportSize({ width: 320, height: 256 });
    // Still signed in from the test before: reloaded, the session finds its token dead.
    await page.goto(served.app.url);
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();
    const reconnect = banner.getByRole('button', { name: 'Reconnect' });
    // The layout settles once the page has measured the banner.
    await page.waitForFunction(() => document.documentElement.style.getPropertyValue('--session-notices-height') !== '');
    const box = (await reconnect.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(256);
    // On top, where a click lands: not under the dev panel.
    expect(
      await reconnect.evaluate((button) => {
        const { x, y, width, height } = button.getBoundingClientRect();
        return button.contains(document.elementFromPoint(x + width / 2, y + height / 2));
      }),
    ).toBe(true);
    await page.close();
  }, 90_000);
});
