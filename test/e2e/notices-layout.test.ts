/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { screenshots } from './support/chromium.ts';
import { expireSession, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

const shot = screenshots('notices-layout');

/** One tab of `size`, alone and signed in afresh (the tests before leave theirs expired), the studio loaded. */
async function aloneSignedIn(size: { width: number; height: number }) {
  const { context } = served.browser;
  for (const open of context.pages()) await open.close();
  const page = await context.newPage();
  await page.setViewportSize(size);
  await page.goto(served.app.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await signIn(context, page);
  await page.getByText('jewelry-generate').waitFor();
  return { context, page };
}

describe('the session notices, in Chromium', () => {
  it('move nothing the user is looking at when they appear', async () => {
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    const prompt = page.getByLabel('Prompt');
    const promptTop = () => prompt.evaluate((box) => box.getBoundingClientRect().top);
    const before = await promptTop();

    await page.getByRole('button', { name: 'Go offline' }).click();
    await page.getByText("You're offline — anything still waiting will be sent when the connection is back.").waitFor();
    expect(await promptTop()).toBe(before);
    await page.getByRole('button', { name: 'Back online' }).click();
    await page.getByText("You're offline").waitFor({ state: 'detached' });

    await expireSession(page);
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();
    await shot(page, 'banner');
    expect(await promptTop()).toBe(before);
    // It covers neither the prompt nor the dev panel's controls.
    const [bannerBox, promptBox, panelBox] = await Promise.all([
      banner.boundingBox(),
      prompt.boundingBox(),
      page.locator('.dev-panel').boundingBox(),
    ]);
    expect(bannerBox!.y).toBeGreaterThan(promptBox!.y + promptBox!.height);
    expect(bannerBox!.y + bannerBox!.height).toBeLessThanOrEqual(panelBox!.y);
  }, 90_000);

  it('leave a control reached with Tab in sight, at 200% zoom, not under the banner', async () => {
    // The default window at 200% zoom: half as many CSS pixels each way.
    const { page } = await aloneSignedIn({ width: 550, height: 380 });
    const prompt = page.getByLabel('Prompt');
    await prompt.fill('A moonstone cuff');
    await expireSession(page);
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor(); // the next poll of the health panel meets the dead token
    await prompt.focus();

    // On to Generate, as a keyboard user goes: the browser scrolls it into view, and it must be in sight.
    await page.keyboard.press('Tab');
    const generate = page.getByRole('button', { name: 'Generate' });
    expect(await generate.evaluate((button) => button === document.activeElement)).toBe(true);
    const [bannerBox, generateBox, panelBox] = await Promise.all([
      banner.boundingBox(),
      generate.boundingBox(),
      page.locator('.dev-panel').boundingBox(),
    ]);
    expect(generateBox!.y).toBeGreaterThanOrEqual(0);
    expect(generateBox!.y + generateBox!.height).toBeLessThanOrEqual(bannerBox!.y);
    expect(bannerBox!.y + bannerBox!.height).toBeLessThanOrEqual(panelBox!.y);
    await page.close();
  }, 90_000);

  it('leave the end of the page readable above the banner on a phone, however many lines the banner says', async () => {
    // The narrowest screen a page must reflow to (WCAG 1.4.10), where the banner's lines wrap the most.
    const { context, page } = await aloneSignedIn({ width: 320, height: 568 });
    await expireSession(page);
    const banner = page.getByRole('alert');
    await banner.getByRole('button', { name: 'Reconnect' }).waitFor();
    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Cancel', exact: true }).click();
    await banner.getByText('Signing in with Google was cancelled. Press Reconnect when you are ready.').waitFor();
    // The demo's panel folded to its one line, as the page is without it.
    await page.locator('.dev-panel summary').click();
    await page.waitForFunction(
      () =>
        document.documentElement.style.getPropertyValue('--dev-panel-height') ===
        `${document.querySelector('.dev-panel')!.getBoundingClientRect().height}px`,
    );

    // Scrolled to the end: the page's last line of text shows above the banner, not under it.
    const lastLineBottom = await page.evaluate(() => {
      window.scrollTo(0, document.documentElement.scrollHeight);
      const walker = document.createTreeWalker(document.querySelector('main')!, NodeFilter.SHOW_TEXT);
      let last: Node | null = null;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node.textContent?.trim()) last = node;
      const range = document.createRange();
      range.selectNodeContents(last!);
      return range.getBoundingClientRect().bottom;
    });
    await shot(page, 'phone-end-of-page');
    expect(lastLineBottom).toBeLessThanOrEqual((await banner.boundingBox())!.y);
    await page.close();
  }, 90_000);

  it('move nothing when the banner goes after a click on Reconnect, the page scrolled down', async () => {
    const { context, page } = await aloneSignedIn({ width: 550, height: 380 });
    await expireSession(page);
    // Reloaded while expired: nothing typed nor focused to come back to.
    await page.reload();
    const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
    await banner.waitFor();
    await page.evaluate(() => window.scrollTo(0, 200));
    const popupOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await popupOpened;
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true }).click();
    await closed;
    await banner.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => window.scrollY)).toBe(200);
    await page.close();
  }, 90_000);
});
