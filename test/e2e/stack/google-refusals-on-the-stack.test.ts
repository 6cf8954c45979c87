/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { adaProfileShown, continueInPopup, heldAtLeast, pressSignIn } from '../support/studio-user.ts';
import { tokenExpired } from '../support/stack-user.ts';

// Google's token endpoint, as the backend meets it in the code exchange: busy (429), or refusing our client (401).
const run = stackInChromium({ tokenTtlSeconds: 6 });

/** Makes the stand-in Google's token endpoint fail so (`{}`: trade codes again). */
async function tokenEndpointFails(failure: { status: number; error: string } | Record<string, never>): Promise<void> {
  const response = await fetch(`${run.stack.googleUrl}/standin/token-failure`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(failure),
  });
  expect(response.status).toBe(200);
}

/** Presses Reconnect in the banner and continues as Ada in the popup, which closes itself. */
async function reconnect(): Promise<void> {
  const opened = run.context.waitForEvent('page');
  await run.page.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
  await continueInPopup(await opened);
}

/** Signs in as Ada, types `words` and presses Generate once the token has expired: held, under the expired banner. */
async function generateHeldOnExpiry(words: string) {
  const { context, page } = run;
  await continueInPopup(await pressSignIn(context, page));
  // Before the token expires: a profile call it would hold is not what these tests are about.
  await adaProfileShown(page);
  const prompt = page.getByLabel('Prompt');
  await prompt.fill(words);
  await tokenExpired(page);
  await page.getByRole('button', { name: 'Generate' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
  await banner.waitFor();
  await heldAtLeast(page, 1);
  return { prompt, banner };
}

describe('Google refusing the code exchange, on the reference stack in Chromium', () => {
  it('says Google is busy at sign-in, not that it could not be reached, and signs in once it is not', async () => {
    const { context, page } = run;
    try {
      await tokenEndpointFails({ status: 429, error: 'rate_limit_exceeded' });
      await continueInPopup(await pressSignIn(context, page));
      const problem = page.getByRole('alert');
      await problem
        .getByText(
          'Signing in with Google did not finish: Google is busy right now (provider_busy). Wait a moment, then press Sign in with Google.',
        )
        .waitFor();
      expect(await problem.textContent()).not.toContain('could not be reached');
    } finally {
      await tokenEndpointFails({});
    }
    await continueInPopup(await pressSignIn(context, page));
    await adaProfileShown(page);
  }, 60_000);

  it('keeps the work held however often Reconnect finds Google busy, and sends it once Google is not', async () => {
    const { page } = run;
    const { prompt, banner } = await generateHeldOnExpiry('A patient ring');
    const state = page.getByTestId('session-state');
    try {
      await tokenEndpointFails({ status: 429, error: 'rate_limit_exceeded' });
      // As often as the banner asks, and past the three failed sign-ins that give held work up.
      for (let press = 0; press < 4; press++) {
        await reconnect();
        await banner.getByText('Google is busy right now (provider_busy). Wait a moment, then press Reconnect.').waitFor();
        await expect.poll(() => state.innerText()).toBe('needsReauth.waiting');
      }
      // Generate among them (the profile's call may wait too): nothing was given up.
      expect(Number(await page.getByTestId('held-count').innerText())).toBeGreaterThanOrEqual(1);
    } finally {
      await tokenEndpointFails({});
    }
    await reconnect();
    await page.getByRole('img', { name: 'Generated design: A patient ring' }).waitFor({ timeout: 20_000 });
    expect(await prompt.inputValue()).toBe('A patient ring');
  }, 90_000);

  it("says in the banner that sign-in is not set up right when Google refuses the backend's client, and keeps the work held", async () => {
    const { page } = run;
    const { prompt, banner } = await generateHeldOnExpiry('A refused ring');
    try {
      await tokenEndpointFails({ status: 401, error: 'invalid_client' });
      await reconnect();
      await banner
        .getByText(
          "Signing in with Google did not finish: it is not set up right on the studio's server (server_misconfigured). Trying again will not help: please tell the studio's team.",
        )
        .waitFor();
      expect(await banner.textContent()).not.toContain('could not be reached');
    } finally {
      await tokenEndpointFails({});
    }
    // Fixed on the server: the next Reconnect brings the held Generate through.
    await reconnect();
    await page.getByRole('img', { name: 'Generated design: A refused ring' }).waitFor({ timeout: 20_000 });
    expect(await prompt.inputValue()).toBe('A refused ring');
  }, 60_000);
});
