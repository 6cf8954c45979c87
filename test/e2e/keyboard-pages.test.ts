/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { continueInPopup, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

/** What has focus, as a screen reader would name it: a heading's or a control's text, or BODY. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (active === null || active === document.body) return 'BODY';
    return active instanceof HTMLTextAreaElement ? `${active.tagName} ${active.id}` : `${active.tagName} ${active.textContent}`;
  });

describe('signing in and out from the keyboard, in Chromium', () => {
  it('takes focus to the new page, not back to the top of the document', async () => {
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await page.getByRole('button', { name: 'Sign in with Google' }).focus();
    const popupOpened = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    await continueInPopup(await popupOpened);
    await page.getByLabel('Prompt').waitFor();

    // The studio is named, and the next Tab is its prompt, not the header's first link.
    expect(await focused(page)).toBe('H1 Studio');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('TEXTAREA prompt');

    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign in with Google' }).waitFor();
    expect(await focused(page)).toBe('H1 Quiet Session studio');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('BUTTON Sign in with Google');
    await page.close();
  }, 90_000);
});

describe("following the header's links from the keyboard, in Chromium", () => {
  it('takes focus to the page the link opened, as a page load would announce it', async () => {
    const { context } = served.browser;
    for (const open of context.pages()) await open.close();
    const page = await context.newPage();
    await page.goto(served.app.url);
    await signIn(context, page);
    await page.getByRole('link', { name: 'Admin batches' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Batches' }).waitFor();
    expect(await focused(page)).toBe('H1 Batches');

    await page.getByRole('link', { name: 'Studio' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Prompt').waitFor();
    expect(await focused(page)).toBe('H1 Studio');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('TEXTAREA prompt');
    await page.close();
  }, 90_000);
});
