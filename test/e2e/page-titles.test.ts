/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

describe('the page titles, in Chromium', () => {
  it('name the page shown, for the tab strip, the history and screen readers', async () => {
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await page.getByRole('button', { name: 'Sign in with Google' }).waitFor();
    expect(await page.title()).toBe('Sign in — Quiet Session studio');
    await signIn(context, page);
    expect(await page.title()).toBe('Studio — Quiet Session studio');
    await page.getByRole('link', { name: 'Admin batches' }).click();
    await page.getByRole('heading', { name: 'Batches' }).waitFor();
    expect(await page.title()).toBe('Batches — Quiet Session studio');
    await page.goto(new URL('/nowhere', served.app.url).href);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.title()).toBe('Not found — Quiet Session studio');
    await page.close();
  }, 90_000);
});
