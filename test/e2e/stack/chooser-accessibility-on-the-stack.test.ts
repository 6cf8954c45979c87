/** @vitest-environment node */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../../backend/stack.ts';
import { freePort } from '../support/app-server.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';

// The backend and the stand-in Google only: the chooser needs no app, so no Vite (the callback URL is never reached).
let backend: Backend;
let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  backend = await startBackend({ apiPort: await freePort(), googlePort: await freePort(), appOrigin: 'http://localhost:5173' });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await backend?.stop();
}, 20_000);

describe("the stand-in Google's account chooser, by axe-core, in Chromium", () => {
  it('has no serious violation: each account button is named by the words it shows', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 500, height: 600 });
    // RFC 7636's example challenge: the backend starts no sign-in without one.
    const pkce = 'code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256';
    await page.goto(`${backend.apiUrl}/auth/google/login?state=a11y&${pkce}`);
    const ada = page.getByRole('button', { name: 'Continue as Ada Lovelace', exact: true });
    await ada.waitFor();
    expect(new URL(page.url()).origin).toBe(backend.googleUrl);
    // Among them label-content-name-mismatch: voice control users say the words they see (WCAG 2.5.3).
    expect(await seriousViolations(page, { exclude: [] })).toEqual([]);
  }, 60_000);
});
