import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { root } from './app-server.ts';

/** Debian's Chromium; `npx playwright install` cannot run here (see DEVELOPERS.md). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A fresh Chromium profile. Playwright turns the popup blocker off by
 * default; we turn it back on, so that a popup opened outside the user's
 * click would fail here as it does for real users. With `backForwardCache`,
 * the back/forward cache is on too, as for users (Playwright turns it off).
 *
 * @example
 * const browser = await launchChromium();
 * const page = await browser.context.newPage();
 */
export async function launchChromium(
  options: { backForwardCache?: boolean } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'quiet-session-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
    ignoreDefaultArgs: ['--disable-popup-blocking', ...(options.backForwardCache ? ['--disable-back-forward-cache'] : [])],
    viewport: { width: 1100, height: 760 },
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `story` in a Chromium of its own, a fresh profile (signed out, whatever the tests before left), closed after.
 *
 * @example
 * await inOwnProfile(async (context) => {
 *   await signIn(context, await context.newPage());
 * });
 */
export async function inOwnProfile(story: (context: BrowserContext) => Promise<void>): Promise<void> {
  const own = await launchChromium();
  try {
    await story(own.context);
  } finally {
    await own.close();
  }
}

/**
 * Saves a screenshot of a step to test-results/e2e/<story>/<nn>-<step>.png.
 *
 * @example
 * const shot = screenshots('reconnect'); await shot(page, 'banner');
 */
export function screenshots(story: string) {
  let step = 0;
  const dir = resolve(root, 'test-results/e2e', story);
  return async (page: Page, name: string): Promise<string> => {
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${String(++step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path });
    return path;
  };
}

/**
 * Records, in every page of `context`, whether each `window.open` ran inside
 * a click listener's own call stack (not in a microtask or timer after it).
 * Click listeners are wrapped before the app registers any; microtasks queued
 * by a listener run after the wrapper has returned, so they count as "after".
 *
 * @example
 * await traceWindowOpen(context); ... expect(await lastOpenWasInClick(page)).toBe(true);
 */
export async function traceWindowOpen(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const state = { depth: 0, lastOpenInClick: null as boolean | null };
    (window as unknown as { __openTrace: typeof state }).__openTrace = state;
    const add = EventTarget.prototype.addEventListener;
    EventTarget.prototype.addEventListener = function (type, listener, options) {
      if (type !== 'click' || typeof listener !== 'function') return add.call(this, type, listener, options);
      const wrapped = function (this: unknown, event: Event) {
        state.depth += 1;
        try {
          return listener.call(this, event);
        } finally {
          state.depth -= 1;
        }
      };
      return add.call(this, type, wrapped, options);
    };
    const open = window.open;
    window.open = (...args: Parameters<typeof window.open>) => {
      state.lastOpenInClick = state.depth > 0;
      return open.apply(window, args);
    };
  });
}

/**
 * Whether the page's last `window.open` ran synchronously inside a click listener (null: none yet).
 *
 * @example
 * expect(await lastOpenWasInClick(page)).toBe(true);
 */
export function lastOpenWasInClick(page: Page): Promise<boolean | null> {
  return page.evaluate(() => (window as unknown as { __openTrace: { lastOpenInClick: boolean | null } }).__openTrace.lastOpenInClick);
}
