import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchChromium } from './chromium.ts';
import { startTestStack, watchConsole, type TestStack } from './stack-user.ts';

/** What `stackInChromium` sets up: the stack for the whole file, the rest fresh for each test. */
export interface StackInChromium {
  stack: TestStack;
  browser: Awaited<ReturnType<typeof launchChromium>>;
  context: BrowserContext;
  /** A page already at the app. */
  page: Page;
  /** Every console line and page error of the test's pages, popups included; empty with `watchConsole: false`. */
  consoleLines: string[];
}

/**
 * The reference stack for the tests of the file that calls it (started before them, stopped after
 * them), and for each test a fresh Chromium whose console is watched and whose page is at the app.
 *
 * @example
 * const run = stackInChromium({ tokenTtlSeconds: 6 });
 * it('…', async () => {
 *   const { page, stack } = run;
 *   await page.getByRole('button', { name: 'Sign in with Google' }).click();
 * });
 */
export function stackInChromium(
  options: Parameters<typeof startTestStack>[0] & { watchConsole?: boolean } & Parameters<typeof launchChromium>[0],
): StackInChromium {
  const { watchConsole: watching = true, backForwardCache, ...stackOptions } = options;
  const run = {} as StackInChromium;
  // A production build runs `vite build` before the app is served.
  beforeAll(
    async () => {
      run.stack = await startTestStack(stackOptions);
    },
    stackOptions.app === 'build' ? 120_000 : 60_000,
  );
  afterAll(async () => {
    await run.stack?.stop();
  }, 20_000);
  beforeEach(async () => {
    run.browser = await launchChromium({ backForwardCache });
    run.context = run.browser.context;
    run.consoleLines = watching ? watchConsole(run.context) : [];
    run.page = await run.context.newPage();
    await run.page.goto(run.stack.appUrl);
  }, 30_000);
  afterEach(async () => {
    await run.browser?.close();
  });
  return run;
}
