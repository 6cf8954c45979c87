/** @vitest-environment node */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { signIn } from '../support/studio-user.ts';

// Two tabs on the reference stack whose /auth/me grows slower than a check's first time limit (5 s) but not than the
// confirming probe's (10 s): each tab's probe waits behind the other's under Chromium's own Web Locks.
const run = stackInChromium({ tokenTtlSeconds: 3_600 });
const answerMs = 7_000;

/** Remembers every session state the dev panel showed, and whether the offline line was ever up, however briefly. */
function watchTab(page: Page) {
  return page.evaluate(() => {
    const seen = { states: [] as string[], offline: false };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const look = () => {
      const state = document.querySelector('[data-testid="session-state"]')?.textContent ?? '';
      if (state && seen.states.at(-1) !== state) seen.states.push(state);
      if (document.body.innerText.includes("You're offline")) seen.offline = true;
    };
    look();
    new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
  });
}
type Seen = { states: string[]; offline: boolean };
const seenIn = (page: Page) => page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);
/** The tab has been through the confirming probe, and is back in active. */
const backAfterConfirming = (page: Page) =>
  page.waitForFunction(
    () => {
      const { states } = (window as unknown as { __seen: Seen }).__seen;
      return states.includes('offline.confirming') && states.at(-1)!.startsWith('active');
    },
    undefined,
    { timeout: 45_000, polling: 100 },
  );

describe('two tabs, a backend slower than the first check, in Chromium', () => {
  it("says in neither tab that it is offline: the tab whose probe waited takes the other tab's answer", async () => {
    const { context, page, stack } = run;
    await signIn(context, page);
    const second = await context.newPage();
    await second.goto(stack.appUrl);
    const tabs = [page, second];
    for (const tab of tabs) await tab.getByText(/^Credits: \d+$/).waitFor();
    await Promise.all(tabs.map(watchTab));
    // Every /auth/me from now on answers late.
    await context.route('**/auth/me', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, answerMs));
      await route.continue().catch(() => {}); // the session gave up on it meanwhile
    });
    // The batches, opened in both tabs at once, are refused until each tab holds its call: both tabs check the token.
    const refuse = (route: Route) =>
      route.request().method() === 'OPTIONS'
        ? route.continue() // the CORS preflight: the call itself carries the token
        : route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer not-a-token' } });
    const batches = (url: URL) => url.pathname === '/api/admin/batches';
    await context.route(batches, refuse);
    await Promise.all(tabs.map((tab) => tab.getByRole('link', { name: 'Admin batches' }).click()));
    await Promise.all(
      tabs.map((tab) =>
        tab
          .getByTestId('held-count')
          .filter({ hasText: /^[1-9]/ })
          .waitFor(),
      ),
    );
    // Their replays, after the checks, are answered.
    await context.unroute(batches, refuse);
    await Promise.all(tabs.map(backAfterConfirming));
    expect((await Promise.all(tabs.map(seenIn))).map((s) => s.offline)).toEqual([false, false]);
  }, 120_000);
});
