/** @vitest-environment node */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { lastOpenWasInClick, launchChromium, screenshots, traceWindowOpen } from './support/chromium.ts';
import { startCoopProvider, type CoopProvider } from './support/coop-provider.ts';
import { expireSession, heldAtLeast } from './support/studio-user.ts';

// The sign-in popup on a provider of another site that sends COOP, as Google's may: no opener, and it reads closed while open.
let provider: CoopProvider;
let app: ServedApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  provider = await startCoopProvider();
  app = await serveMockApp({ env: { VITE_MOCK_CONSENT_URL: provider.authorizeUrl } });
  provider.allow(new URL(app.url).origin);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await provider?.close();
});
beforeEach(async () => {
  browser = await launchChromium();
  context = browser.context;
  await traceWindowOpen(context);
  page = await context.newPage();
  await page.goto(app.url);
}, 60_000);
afterEach(async () => {
  await browser?.close();
});

/** Presses `button` on the provider's page and waits for the popup to close itself (the callback page does). */
async function chooseInPopup(popup: Page, button: 'Continue as Ada Lovelace' | 'Cancel'): Promise<void> {
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: button, exact: true }).click();
  await closed;
}

/** Signs in through the provider, from the sign-in page. */
async function signInThroughProvider(): Promise<void> {
  const opened = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in with Google' }).click();
  await chooseInPopup(await opened, 'Continue as Ada Lovelace');
  await page.getByLabel('Prompt').waitFor();
}

/** Signed in, then expired with the health poll held: the banner offers Reconnect. */
async function expiredWithRequestsHeld() {
  await signInThroughProvider();
  await page.getByText('jewelry-generate').waitFor();
  await expireSession(page);
  const banner = page.getByRole('alert');
  await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
  await heldAtLeast(page, 1);
  return banner;
}

const heldNone = () => page.waitForFunction(() => document.querySelector('[data-testid="held-count"]')?.textContent === '0');

describe('sign-in through a cross-origin provider that sends COOP, in Chromium', () => {
  it('signs in and reconnects: the token arrives without an opener, and the held Generate replays', async () => {
    const shot = screenshots('coop-provider');
    // The first sign-in: the popup reads closed as soon as the provider's page loads, and that is no failure.
    const firstOpened = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Google' }).click();
    const first = await firstOpened;
    await first.getByRole('button', { name: 'Continue as Ada Lovelace' }).waitFor();
    expect(new URL(first.url()).origin).toBe(new URL(provider.authorizeUrl).origin);
    expect(await first.evaluate(() => window.opener)).toBeNull();
    await page.getByText('Finish signing in in the Google window.').waitFor();
    expect(first.isClosed()).toBe(false);
    await shot(page, 'sign-in-hint');
    await chooseInPopup(first, 'Continue as Ada Lovelace');
    const prompt = page.getByLabel('Prompt');
    await prompt.fill('A moonstone ring');
    await page.getByText('Credits: 25').waitFor();

    // The reconnect: Generate is held, the popup reads closed while open, the token still comes.
    await expireSession(page);
    await page.getByRole('button', { name: 'Generate' }).click();
    const banner = page.getByRole('alert');
    await banner.filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await heldAtLeast(page, 1);
    const opened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const popup = await opened;
    expect(await lastOpenWasInClick(page)).toBe(true);
    await popup.getByRole('button', { name: 'Continue as Ada Lovelace' }).waitFor();
    await banner.getByText('Finish signing in in the Google window.').waitFor();
    expect(popup.isClosed()).toBe(false);
    expect(await page.getByTestId('session-state').textContent()).toBe('reauthenticating.holding');
    await shot(page, 'reconnect-hint');
    await chooseInPopup(popup, 'Continue as Ada Lovelace');

    await banner.waitFor({ state: 'detached' });
    await page.getByRole('img', { name: 'Generated design: A moonstone ring' }).waitFor();
    await page.getByText('Credits: 24').waitFor();
    await heldNone();
    expect(await page.locator('.problem').count()).toBe(0);
    await shot(page, 'reconnected');
  }, 90_000);

  it('reopens the provider inside the Try again click, and finishing there signs in', async () => {
    const banner = await expiredWithRequestsHeld();
    const firstOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const first = await firstOpened;
    await banner.getByRole('button', { name: 'Try again' }).waitFor();

    const secondOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Try again' }).click();
    const second = await secondOpened;
    expect(await lastOpenWasInClick(page)).toBe(true);
    // The first window is out of our reach (COOP): the app could not close it, the user may.
    expect(first.isClosed()).toBe(false);
    await first.close();
    await chooseInPopup(second, 'Continue as Ada Lovelace');
    await banner.waitFor({ state: 'detached' });
    await heldNone();
  }, 90_000);

  it('says in a window finished after the other one answered that the studio stopped waiting, and the studio stays signed in', async () => {
    const banner = await expiredWithRequestsHeld();
    const firstOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    const first = await firstOpened;
    const secondOpened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Try again' }).click();
    await chooseInPopup(await secondOpened, 'Continue as Ada Lovelace');
    await banner.waitFor({ state: 'detached' });
    // The first window, out of the studio's reach, is still open at the provider: the user finishes there too.
    await first.getByRole('button', { name: 'Continue as Ada Lovelace' }).click();
    await first
      .getByRole('status')
      .filter({
        hasText: 'The studio stopped waiting for this sign-in. Close this window, and sign in from the studio if it still asks you to.',
      })
      .waitFor();
    await heldNone();
    expect(await page.getByRole('alert').count()).toBe(0);
  }, 90_000);

  it('shows the typed cancel message in the banner at once, keeps the requests held, and a second try works', async () => {
    const shot = screenshots('coop-provider-cancel');
    const banner = await expiredWithRequestsHeld();
    const opened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await chooseInPopup(await opened, 'Cancel');
    await banner.getByText('Signing in with Google was cancelled. Press Reconnect when you are ready.').waitFor();
    expect(await page.getByTestId('session-state').textContent()).toBe('needsReauth.waiting');
    await heldAtLeast(page, 1);
    await shot(page, 'cancelled');

    const again = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await chooseInPopup(await again, 'Continue as Ada Lovelace');
    await banner.waitFor({ state: 'detached' });
    await heldNone();
  }, 90_000);

  it('leaves the banner offering Reconnect, with the requests held, when the browser blocks the popup', async () => {
    const banner = await expiredWithRequestsHeld();
    // Something else on the page spends the click's one popup first: the blocker refuses ours.
    await page.evaluate(() =>
      window.addEventListener('click', () => window.open('about:blank', '_blank', 'popup')?.close(), { capture: true, once: true }),
    );
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await banner
      .getByText('The sign-in window was blocked by the browser. Allow pop-ups for this site, then press Reconnect again.')
      .waitFor();
    expect(await banner.getByRole('button', { name: 'Reconnect' }).isEnabled()).toBe(true);
    await heldAtLeast(page, 1);

    const opened = context.waitForEvent('page');
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await chooseInPopup(await opened, 'Continue as Ada Lovelace');
    await banner.waitFor({ state: 'detached' });
    await heldNone();
  }, 90_000);
});
