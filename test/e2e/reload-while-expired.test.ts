/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { inOwnProfile } from './support/chromium.ts';
import { expireSession, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

/** msw's worker unregistering itself, as a reload of the only tab can make it, forced at the two moments that matter. */
const workerUnregistersItself = (page: Page) =>
  page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.unregister();
  });

describe('reloading an expired tab of the demo, in Chromium', () => {
  it('signs in again from Reconnect pressed at once, every time, even when the mock worker unregisters itself meanwhile', async () => {
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await signIn(context, page);
    const banner = page.getByRole('alert');

    for (let run = 0; run < 4; run++) {
      await expireSession(page);
      await page.reload();
      // Before the popup opens (its consent page starts uncontrolled), or while it is open (its callback page does).
      const beforeThePopup = run % 2 === 0;
      if (beforeThePopup) await workerUnregistersItself(page);
      const popupOpened = context.waitForEvent('page');
      await banner.getByRole('button', { name: 'Reconnect' }).click();
      const popup = await popupOpened;
      const answers: string[] = [];
      popup.on('response', (response) => {
        if (/\/(mock-google|auth\/google)\//.test(response.url()) && response.request().method() === 'POST')
          answers.push(`${response.status()}`);
      });
      const continueAsAda = popup.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true });
      await continueAsAda.waitFor();
      if (!beforeThePopup) await workerUnregistersItself(page);
      const closed = popup.waitForEvent('close');
      await continueAsAda.click();
      await closed;
      await banner.waitFor({ state: 'detached' });
      // The consent page's and the callback page's calls were the mock's, never the dev server's 404.
      expect(answers).toEqual(['200', '200']);
      await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent?.startsWith('active'));
    }
  }, 120_000);

  it('starts the demo although msw’s worker never activates (unregistered as it activated)', async () => {
    await inOwnProfile(async (context) => {
      const page = await context.newPage();
      // What msw's start waits on, the first time this tab starts it: a worker that never activates, as one unregistered
      // while it activated (a reload of the only other tab can make it) goes redundant instead.
      await page.addInitScript(() => {
        const register = ServiceWorkerContainer.prototype.register;
        ServiceWorkerContainer.prototype.register = async function (...args: Parameters<typeof register>) {
          const registration = await register.apply(this, args);
          if (sessionStorage.getItem('test.stalled')) return registration;
          sessionStorage.setItem('test.stalled', 'yes');
          const { scriptURL } = (registration.installing ?? registration.waiting ?? registration.active) as ServiceWorker;
          const redundant = Object.assign(new EventTarget(), { state: 'redundant', scriptURL });
          const workers = { installing: redundant, waiting: null, active: null };
          return new Proxy(registration, {
            get: (target, key) =>
              key in workers
                ? workers[key as keyof typeof workers]
                : (Reflect.get(target, key, target)?.bind?.(target) ?? Reflect.get(target, key, target)),
          });
        };
      });
      await page.goto(served.app.url);
      await page.getByRole('button', { name: 'Sign in with Google' }).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('test.stalled'))).toBe('yes');
    });
  }, 60_000);
});
