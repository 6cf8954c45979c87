/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { withGenerateHeldAcrossRestart } from '../support/held-across-restart.ts';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { continueInPopup, signIn } from '../support/studio-user.ts';

// A backend restarted with another JWT_SECRET and a TOKEN_TTL_SECONDS below 0: each token it issues is expired
// at birth, and refused by the very backend that issued it, as by a checking backend whose key or clock differs.
const run = stackInChromium({ tokenTtlSeconds: 3600, switchableApi: true });

const expired = 'Session expired — click to reconnect';
const refused = 'Signed in, but the server refused the new sign-in. Press Reconnect to try again.';

describe('a backend that refuses the tokens its own sign-in issues, in Chromium', () => {
  it('says so after each Reconnect, sends the held Generate to nobody, and gives it up after three', async () => {
    const { context, page } = run;
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    await page.getByLabel('Prompt').fill('A refused ring');
    const generates: string[] = [];
    context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/jewelry/generate') generates.push(request.headers().authorization ?? '');
    });
    let popups = 0;
    context.on('page', () => popups++);
    await withGenerateHeldAcrossRestart(run, { tokenTtlSeconds: -60, jwtSecret: 'quiet-session-browser-tests-refusing-key' }, async () => {
      const banner = page.getByRole('alert');
      await banner.filter({ hasText: expired }).waitFor({ timeout: 30_000 });

      for (const round of [1, 2, 3]) {
        const opened = context.waitForEvent('page');
        await banner.getByRole('button', { name: 'Reconnect' }).click();
        await continueInPopup(await opened);
        if (round < 3) {
          await banner.filter({ hasText: refused }).waitFor({ timeout: 20_000 });
          expect(await banner.innerText()).toContain(expired);
          expect(await page.getByRole('button', { name: 'Generating…' }).isDisabled()).toBe(true);
        }
      }
      await banner.filter({ hasText: 'Sign-in failed several times. Try again in a moment.' }).waitFor({ timeout: 20_000 });
      await page.getByText("Signing in didn't finish, so this request was not sent. Reconnect, then try again.").waitFor();
      // Never sent: not with the token the backend refused first, nor with any its sign-in issued.
      expect(generates).toEqual([]);
      // One popup a Reconnect, none of the session's own.
      expect(popups).toBe(3);
      expect(await page.getByLabel('Prompt').inputValue()).toBe('A refused ring');
    });
  }, 90_000);
});
