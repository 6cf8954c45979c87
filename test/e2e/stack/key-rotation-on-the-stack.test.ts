/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { withGenerateHeldAcrossRestart } from '../support/held-across-restart.ts';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { continueInPopup, errorText, signIn } from '../support/studio-user.ts';
import { networkErrorText } from '../support/stack-user.ts';

// A deploy that restarts the backend with a new JWT_SECRET: every token it issued before is refused, long before its exp,
// and what the backend kept in memory (credits, sign-in states) starts anew.
const run = stackInChromium({ tokenTtlSeconds: 3600, switchableApi: true });

const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";
const visibleText = () =>
  run.page.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));

describe('a backend restarted with another JWT_SECRET while a Generate waits for it, in Chromium', () => {
  it('asks to reconnect though the token has not expired, and sends the Generate once to the new backend', async () => {
    const { stack, context, page } = run;
    // Nothing spent yet in this file: the seeded balance, which the restarted backend starts from too.
    const seeded = await stack.credits('user-ada');
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    const prompt = page.getByLabel('Prompt');
    await prompt.fill('A rotated-key ring');
    await withGenerateHeldAcrossRestart(run, { tokenTtlSeconds: 3600, jwtSecret: 'quiet-session-browser-tests-rotated-key' }, async () => {
      // The session's probe meets the new key's 401: not offline any more, expired.
      await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor({ timeout: 30_000 });
      await page.getByText(offlineLine).waitFor({ state: 'detached' });
      expect(await page.getByRole('button', { name: 'Generating…' }).isDisabled()).toBe(true);
      expect(await visibleText()).not.toMatch(errorText);

      const opened = context.waitForEvent('page');
      await page.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
      await continueInPopup(await opened);
      await page.getByRole('img', { name: 'Generated design: A rotated-key ring' }).waitFor({ timeout: 20_000 });
      // Sent once, to the new backend: one credit of its fresh balance spent.
      await page.getByText(`Credits: ${seeded - 1}`).waitFor();
      expect(await prompt.inputValue()).toBe('A rotated-key ring');
      expect(await visibleText()).not.toMatch(errorText);
      expect(run.consoleLines.filter((line) => networkErrorText.test(line) && !/ERR_CONNECTION_REFUSED/.test(line))).toEqual([]);
    });
  }, 60_000);
});
