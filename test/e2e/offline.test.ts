/** @vitest-environment node */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serveMockApp, type ServedApp } from './support/app-server.ts';
import { launchChromium, screenshots } from './support/chromium.ts';
import { errorText, heldAtLeast, signIn } from './support/studio-user.ts';
import { imageFile } from '../support/image-files.ts';

let app: ServedApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let page: Page;

const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";
/** Words that belong to an expired session, never to a dropped connection. */
const expiredText = /session expired|reconnect|unauthori[sz]ed|\b401\b|could not validate/i;

beforeAll(async () => {
  app = await serveMockApp();
}, 120_000);
afterAll(async () => {
  await app?.close();
});
beforeEach(async () => {
  browser = await launchChromium();
  context = browser.context;
  // The connection drops under one call only: a poll that came first would take the session offline, and hold that call.
  await context.addInitScript(() => {
    const send = window.fetch;
    window.fetch = async (...args: Parameters<typeof fetch>) => {
      const [input] = args;
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      const response = send(...args);
      if (url.pathname !== sessionStorage.getItem('test.dropAnswerOf')) return response;
      sessionStorage.removeItem('test.dropAnswerOf');
      // Sent, and its answer lost on the way back: what fetch says then.
      await response.catch(() => {});
      throw new TypeError('Failed to fetch');
    };
  });
  // Remembers whether an alert (the banner) was ever in the page, however briefly: "never", not "not now".
  await context.addInitScript(() => {
    const seen = { alert: false };
    (window as unknown as { __alertSeen: typeof seen }).__alertSeen = seen;
    new MutationObserver(() => {
      if (document.querySelector('[role="alert"]')) seen.alert = true;
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['role'] });
  });
  page = await context.newPage();
  await page.goto(app.url);
}, 60_000);
afterEach(async () => {
  await browser?.close();
});

const alertEverShown = () => page.evaluate(() => (window as unknown as { __alertSeen: { alert: boolean } }).__alertSeen.alert);
/** Everything a user can read on the page, minus the dev panel (which is ours, not the app's). */
const visibleText = () =>
  page.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));
const problems = () => page.locator('.problem').allInnerTexts();

/** Drops the connection under the next call to `pathname` alone, once it is sent. */
const dropAnswerOf = (pathname: string) => page.evaluate((path) => sessionStorage.setItem('test.dropAnswerOf', path), pathname);
/** Resolves once the health panel's next poll has its answer: other calls go on while the connection drops under one. */
const healthPolled = async () => (await page.waitForRequest((request) => request.url().endsWith('/api/microservices/health'))).response();

/** What fetch says when the network fails, in Chromium's words and Node's: never for people. */
const fetchText = /failed to fetch|fetch failed|networkerror|typeerror/i;
const unreachable = "Couldn't reach the studio. Check your connection and try again.";

/** Studio signed in, a draft typed, every panel answered. */
async function studioWithDraft(draft: string) {
  await signIn(context, page);
  const prompt = page.getByLabel('Prompt');
  await prompt.click();
  await prompt.pressSequentially(draft);
  await page.getByText('jewelry-generate').waitFor(); // the health panel polls
  await page.getByText('Credits: 25').waitFor();
  return prompt;
}

describe('an offline spell in the studio, in Chromium', () => {
  it('holds a Generate pressed offline, never sent, and the design comes once back online, with no error text', async () => {
    const shot = screenshots('offline');
    const draft = 'A rose-gold ring with a pear-cut sapphire';
    const prompt = await studioWithDraft(draft);
    const url = page.url();
    const generateSends: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/jewelry/generate')) generateSends.push(request.url());
    });
    await shot(page, 'draft');

    await page.getByRole('button', { name: 'Go offline' }).click();
    await page.getByRole('status').filter({ hasText: offlineLine }).waitFor();
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: 'Generating…' }).waitFor();
    await heldAtLeast(page, 1);
    // The user keeps typing; the notice takes no focus.
    await prompt.click();
    await prompt.press('End');
    await prompt.pressSequentially(', halo');
    await shot(page, 'offline-notice');
    expect(generateSends).toEqual([]); // held, never sent
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await problems()).toEqual([]);
    expect(await visibleText()).not.toMatch(expiredText);

    await page.getByRole('button', { name: 'Back online' }).click();
    await page.getByText(offlineLine).waitFor({ state: 'detached' });
    // The held Generate went out once, with the prompt of its click: a workflow started, a credit was spent.
    await page.getByRole('img', { name: `Generated design: ${draft}` }).waitFor({ timeout: 30_000 });
    await page.getByText('Credits: 24').waitFor();
    await shot(page, 'back-online');
    expect(generateSends).toHaveLength(1);
    expect(await problems()).toEqual([]);
    expect(await prompt.inputValue()).toBe(`${draft}, halo`);
    expect(page.url()).toBe(url);
    expect(await visibleText()).not.toMatch(errorText);
    expect(await visibleText()).not.toMatch(fetchText);
    expect(await alertEverShown()).toBe(false);
  }, 90_000);

  it('says in plain words that a Generate out when the connection drops may have started', async () => {
    const shot = screenshots('offline-dropped');
    const draft = 'An emerald pendant';
    await studioWithDraft(draft);
    // The connection drops before the browser notices: Generate is sent, and fails on the way. A poll may come first.
    await dropAnswerOf('/api/jewelry/generate');
    await healthPolled();
    await page.getByRole('button', { name: 'Generate' }).click();
    await page
      .locator('.generate .problem')
      .filter({ hasText: 'The connection dropped before Generate got an answer: it may have started.' })
      .waitFor();
    await shot(page, 'plain-words');
    expect(await visibleText()).not.toMatch(fetchText);
    expect(await page.getByRole('alert').count()).toBe(0);

    // Back, as the browser tells it: the session looks again, and Generate works.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active'));
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('img', { name: `Generated design: ${draft}` }).waitFor({ timeout: 30_000 });
    // The panels' next answers clear what they said while it was down.
    await page.waitForFunction(() => document.querySelectorAll('.problem').length === 0);
    expect(await visibleText()).not.toMatch(fetchText);
    expect(await alertEverShown()).toBe(false);
  }, 90_000);

  it('lets the same reference image be picked again after its check could not reach the studio', async () => {
    await studioWithDraft('A pearl brooch');
    // A file on disk, as a person picks it (a file made in memory would be a new one each time).
    const image = join(await mkdtemp(join(tmpdir(), 'quiet-session-upload-')), 'ring.png');
    await writeFile(image, new Uint8Array(await imageFile(64, 'ring.png').arrayBuffer()));
    const pick = async () => {
      const chooser = page.waitForEvent('filechooser');
      await page.getByLabel('Upload a reference image').click();
      await (await chooser).setFiles(image);
    };
    // The connection drops with the check on its way: it fails, and the page says to try again.
    await dropAnswerOf('/api/images/validate');
    await healthPolled();
    await pick();
    await page.locator('.problem').filter({ hasText: unreachable }).waitFor();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active'));

    // Trying again is picking the same file again: the browser says nothing of a choice that did not change.
    await pick();
    await page.getByText(/^ring\.png is ready/).waitFor({ timeout: 5_000 });
  }, 90_000);
});
