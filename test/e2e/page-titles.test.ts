/** @vitest-environment node */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { launchChromium } from './support/chromium.ts';
import { signIn } from './support/studio-user.ts';

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

describe('the page titles, in Chromium', () => {
  it('name the page shown, for the tab strip, the history and screen readers', async () => {
    const { context } = browser;
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Sign in with Google' }).waitFor();
    expect(await page.title()).toBe('Sign in — Quiet Session studio');
    await signIn(context, page);
    expect(await page.title()).toBe('Studio — Quiet Session studio');
    await page.getByRole('link', { name: 'Admin batches' }).click();
    await page.getByRole('heading', { name: 'Batches' }).waitFor();
    expect(await page.title()).toBe('Batches — Quiet Session studio');
    await page.goto(new URL('/nowhere', app.url).href);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.title()).toBe('Not found — Quiet Session studio');
    await page.close();
  }, 90_000);
});
