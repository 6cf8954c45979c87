/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { continueInPopup, errorText, heldAtLeast, signIn } from '../support/studio-user.ts';
import { copySessionReport, networkErrorText, tokenExpired } from '../support/stack-user.ts';

// The reference stack behind a proxy that can slow the backend's answers down or stall them; the app's own limits:
// a check's first is 5 s, the one that confirms it is gone 10 s, with a backoff of 1 s between them.
const tokenTtlSeconds = 12;
const run = stackInChromium({ tokenTtlSeconds, switchableApi: true });

const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";
const expiredBanner = (on = run.page) => on.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });
const visibleText = (on = run.page) =>
  on.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));
/** Longer than the first limit, shorter than the second: a slow backend, not a gone one. */
const slowAnswerMs = 6_500;
/** The first check's limit, the backoff, the second check's limit: when a gone backend is said, at the latest. */
const confirmedWithinMs = 5_000 + 1_000 + 10_000;

/**
 * From now on, in every load of the page: when the offline line was in it, on the page's clock, however
 * briefly (a MutationObserver sees what a poll between two checks would miss).
 */
async function watchOfflineLine(page: Page): Promise<() => Promise<number[]>> {
  const watch = (line: string) => {
    const seen: number[] = [];
    (window as unknown as { __offlineSeen: number[] }).__offlineSeen = seen;
    const look = () => {
      if (document.body?.textContent?.includes(line)) seen.push(Date.now());
    };
    new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
  };
  await page.context().addInitScript(watch, offlineLine);
  await page.evaluate(watch, offlineLine);
  return () => page.evaluate(() => (window as unknown as { __offlineSeen: number[] }).__offlineSeen);
}

/** Presses Reconnect in the banner and picks Ada in the stand-in Google's popup. */
async function reconnect(): Promise<void> {
  const opened = run.context.waitForEvent('page');
  await expiredBanner().getByRole('button', { name: 'Reconnect' }).click();
  await continueInPopup(await opened);
}

/** Signed in as Ada, the studio's panels answered and a prompt typed; her credits then. */
async function studioWithPrompt(prompt: string): Promise<number> {
  const { stack, context, page } = run;
  await signIn(context, page);
  const credits = await stack.credits('user-ada');
  await page.getByText('jewelry-generate').waitFor();
  await page.getByText(`Credits: ${credits}`).waitFor();
  await page.getByLabel('Prompt').fill(prompt);
  return credits;
}

describe('a slow backend and a stalled one on the reference stack, in Chromium', () => {
  it('never says offline while the backend answers in 6.5 s: the expiry is found, and the held Generate goes after Reconnect', async () => {
    const { stack, page, consoleLines } = run;
    const api = stack.apiSwitch!;
    const offlineSeen = await watchOfflineLine(page);
    const before = await studioWithPrompt('A slow opal ring');
    try {
      api.slow(slowAnswerMs);
      await tokenExpired(page);
      await page.getByRole('button', { name: 'Generate' }).click();
      await heldAtLeast(page, 1);
      await expiredBanner().waitFor({ timeout: 30_000 });
    } finally {
      // Fast again for the Reconnect: a 12 s token would come back slower than it lives.
      api.slow(0);
    }
    // What the user saw: never the offline line, however briefly, while the backend was slow.
    expect(await offlineSeen()).toEqual([]);
    await run.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
    const { entries } = await copySessionReport(page);
    // The path this is about: a check past its first limit, asked once more, given longer, and answered.
    expect(entries.filter((entry) => entry.detail === 'timeout').map((entry) => entry.state)).toEqual(['offline.unconfirmed']);
    expect(entries.findLast((entry) => entry.event === 'xstate.done.actor.probeSession')).toMatchObject({
      detail: 'expired',
      state: 'needsReauth.waiting',
    });

    await reconnect();
    await expiredBanner().waitFor({ state: 'detached' });
    await page.getByRole('img', { name: 'Generated design: A slow opal ring' }).waitFor();
    await page.getByText(`Credits: ${before - 1}`).waitFor();
    expect(await offlineSeen()).toEqual([]);
    expect(await visibleText()).not.toMatch(errorText);
    expect(await stack.credits('user-ada')).toBe(before - 1);
    expect(consoleLines.filter((line) => networkErrorText.test(line))).toEqual([]);
  }, 120_000);

  it('says offline within 16 s of the first unanswered check when the backend stops answering, and the held Generate goes once it answers', async () => {
    const { stack, page, consoleLines } = run;
    const api = stack.apiSwitch!;
    const generates: string[] = [];
    page.on('request', (request) => {
      if (request.url() === `${api.url}/api/jewelry/generate`) generates.push(request.method());
    });
    const offlineSeen = await watchOfflineLine(page);
    const before = await studioWithPrompt('A stalled garnet ring');
    try {
      api.stall();
      await page.getByText(offlineLine).waitFor({ timeout: (tokenTtlSeconds + 20) * 1000 });
      await run.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
      const { entries } = await copySessionReport(page);
      // The check that went unanswered: the last before the line (the press of Copy is a probe, not a check).
      const checked = entries.findLast((entry) => entry.state === 'validating.checking');
      const [said] = await offlineSeen();
      const saidAfterMs = said! - Date.parse(checked!.at);
      // Said once the check given longer went unanswered too: not at the first limit, and not much later.
      expect(saidAfterMs).toBeGreaterThan(confirmedWithinMs - 1_000);
      expect(saidAfterMs).toBeLessThan(confirmedWithinMs + 1_000);
      // Pressed offline: held, never sent.
      const held = Number(await page.getByTestId('held-count').textContent());
      await page.getByRole('button', { name: 'Generate' }).click();
      await heldAtLeast(page, held + 1);
      expect(generates).toEqual([]);
    } finally {
      api.flow();
    }
    await expiredBanner().waitFor({ timeout: 30_000 });
    await reconnect();
    await expiredBanner().waitFor({ state: 'detached' });
    await page.getByRole('img', { name: 'Generated design: A stalled garnet ring' }).waitFor({ timeout: 30_000 });
    await page.getByText(`Credits: ${before - 1}`).waitFor();
    expect(await page.getByText(offlineLine).count()).toBe(0);
    expect(await visibleText()).not.toMatch(errorText);
    expect(generates).toEqual(['POST']);
    expect(await stack.credits('user-ada')).toBe(before - 1);
    expect(consoleLines.filter((line) => networkErrorText.test(line))).toEqual([]);
  }, 120_000);
});
