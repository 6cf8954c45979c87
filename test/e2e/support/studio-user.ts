import type { BrowserContext, Page } from 'playwright-core';

/**
 * Signs in as a user does: the Google button opens the popup, "Continue as
 * Ada Lovelace" in it, and the popup closes itself.
 *
 * @example
 * await signIn(context, page);
 */
export async function signIn(context: BrowserContext, page: Page): Promise<void> {
  await continueInPopup(await pressSignIn(context, page));
  await page.getByLabel('Prompt').waitFor();
}

/**
 * Presses "Sign in with Google" on the sign-in page and returns the popup it opens (the mock Google page).
 *
 * @example
 * await continueInPopup(await pressSignIn(context, page), 'Grace Hopper');
 */
export async function pressSignIn(context: BrowserContext, page: Page): Promise<Page> {
  const popupOpened = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in with Google' }).click();
  return popupOpened;
}

/**
 * Presses "Continue as <account>" (Ada unless told) on the mock Google page and waits for the popup to close itself.
 *
 * @example
 * await continueInPopup(await context.waitForEvent('page'), 'Grace Hopper');
 */
export async function continueInPopup(popup: Page, account = 'Ada Lovelace'): Promise<void> {
  const closed = popup.waitForEvent('close', { timeout: 15_000 });
  await popup.getByRole('button', { name: `Continue as ${account}`, exact: true }).click();
  await closed;
}

/**
 * Resolves once Ada's profile has come: the token alone names her in the header, only the profile offers the admins' page.
 *
 * @example
 * await adaProfileShown(page);
 */
export async function adaProfileShown(page: Page): Promise<void> {
  await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
  await page.getByRole('link', { name: 'Admin batches' }).waitFor();
}

/**
 * Presses the dev panel's "Expire session": the mock backend forgets every token so far.
 *
 * @example
 * await expireSession(page);
 */
export async function expireSession(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Expire session' }).click();
  await page.getByText(/^Tokens issued before .* forgotten\.$/).waitFor();
}

/**
 * Resolves once the dev panel shows at least `count` held requests.
 *
 * @example
 * await heldAtLeast(page, 2);
 */
export async function heldAtLeast(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="held-count"]')?.textContent ?? 0) >= n, count);
}

/** Text that would mean a 401 leaked into the UI. */
export const errorText = /error|failed|unauthori[sz]ed|\b401\b|could not validate/i;
