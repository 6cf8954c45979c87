/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { continueInPopup, signIn } from '../support/studio-user.ts';

// Tokens of 30 s: the notice comes at half their life (the default 2 minutes is longer), the check before expiry 5 s before exp.
const tokenTtlSeconds = 30;
const remindBeforeMs = (tokenTtlSeconds * 1000) / 2;
const expiryLeadMs = 5_000;
const run = stackInChromium({ tokenTtlSeconds, switchableApi: true });

/** The browser's clock is this far behind the backend's: on it, the token would end ten minutes late. */
const browserBehindMs = 10 * 60_000;
/** A `Date` names its second: the backend's time is read to half a second either way. */
const dateRoundingMs = 500;
/** Slower than a quick answer, quicker than the first check's limit (5 s): a slow backend, not a gone one. */
const slowAnswerMs = 4_000;

const notice = (page: Page) => page.getByRole('status').filter({ hasText: /^Your session ends in/ });
const expiredBanner = (page: Page) => page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' });

/** A call to the API from the app's pages: when it went, on the backend's clock (the same host's), and its answer. */
interface ApiCall {
  path: string;
  authorization: string | undefined;
  sentAt: number;
  status?: number;
}

/** Every call the app's pages make to the API from now on. */
function watchApi(): ApiCall[] {
  const { context, stack } = run;
  const calls: ApiCall[] = [];
  context.on('request', (request) => {
    if (!request.url().startsWith(`${stack.apiSwitch!.url}/`)) return;
    const call: ApiCall = { path: new URL(request.url()).pathname, authorization: request.headers().authorization, sentAt: Date.now() };
    calls.push(call);
    void request.response().then((response) => (call.status = response?.status()));
  });
  return calls;
}

/** The browser's clock set behind the backend's, in the page and in the popups to come: then signed in as Ada, who types. */
async function signedInBehind(): Promise<{ token: string; expMs: number }> {
  const { context, page } = run;
  await context.clock.install({ time: Date.now() - browserBehindMs });
  await page.reload();
  await signIn(context, page);
  await page.getByLabel('Prompt').pressSequentially('A moonstone ring');
  const token = await page.evaluate(() => localStorage.getItem('quiet-session.token'));
  const { exp } = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()) as { exp: number };
  return { token: token!, expMs: exp * 1000 };
}

/** When the notice shows, on the backend's clock; waited for a little past when it is due there. */
async function noticeShownAt(page: Page, dueAt: number): Promise<number> {
  await notice(page)
    .getByRole('button', { name: 'Stay signed in' })
    .waitFor({ timeout: dueAt - Date.now() + 10_000 });
  return Date.now();
}

describe("the backend's clock ahead of the browser's, on the reference stack in Chromium", () => {
  it('asks to stay signed in and checks the token by the backend’s clock; a Generate after its exp is held, then sent once', async () => {
    const { context, page, stack } = run;
    const calls = watchApi();
    const { token, expMs } = await signedInBehind();
    const credits = await stack.credits('user-ada');

    const shownAt = await noticeShownAt(page, expMs - remindBeforeMs);
    // Due 15 s before exp on the backend's clock: ten minutes later on the browser's.
    expect(Math.abs(shownAt - (expMs - remindBeforeMs))).toBeLessThan(dateRoundingMs + 500);

    await expiredBanner(page).waitFor({ timeout: expMs - Date.now() + 10_000 });
    const withToken = calls.filter((call) => call.authorization === `Bearer ${token}`);
    // The check before expiry went a lead window before exp on the backend's clock, and the backend took the token.
    const [leadCheck] = withToken.filter((call) => call.path === '/auth/me' && call.sentAt > shownAt);
    expect(Math.abs(leadCheck!.sentAt - (expMs - expiryLeadMs))).toBeLessThan(dateRoundingMs + 500);
    expect(leadCheck!.status).toBe(200);
    // Nothing went with the token past its exp but within the Date's second and the studio's next poll (2 s):
    // the session checks it itself at exp, and a call the rounding let through meets the one 401 it is owed.
    const deadSends = withToken.filter((call) => call.sentAt >= expMs);
    expect(deadSends.every((call) => call.sentAt < expMs + dateRoundingMs + 2_000 + 500)).toBe(true);
    expect(deadSends.filter((call) => call.path !== '/auth/me' && call.status === 401).length).toBeLessThanOrEqual(1);
    expect(calls.filter((call) => call.status === 401 && call.sentAt < expMs)).toEqual([]);

    // Past exp, pressed: held, not sent with the dead token; sent once, with the new one, after Reconnect.
    const sentBefore = calls.length;
    await page.getByRole('button', { name: 'Generate' }).click();
    const opened = context.waitForEvent('page');
    await expiredBanner(page).getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await opened);
    await page.getByRole('img', { name: 'Generated design: A moonstone ring' }).waitFor();
    const generates = calls.slice(sentBefore).filter((call) => call.path === '/api/jewelry/generate');
    expect(generates.map((call) => [call.authorization === `Bearer ${token}`, call.status])).toEqual([[false, 202]]);
    expect(await stack.credits('user-ada')).toBe(credits - 1);
  }, 90_000);

  it('with answers 4 s slow, asks to stay signed in not 4 s late: a late answer reads no later clock', async () => {
    const { page, stack } = run;
    // Slow from the first answer on: the backend's clock is read from slow answers only.
    stack.apiSwitch!.slow(slowAnswerMs);
    const { expMs } = await signedInBehind();
    const dueAt = expMs - remindBeforeMs;
    const shownAt = await noticeShownAt(page, dueAt);
    stack.apiSwitch!.slow(0);
    // Read as written when it arrived, the Date puts the backend 4 s behind (the notice 4 s late); the middle of
    // the moments it could have been written, 2 s, give or take the Date's rounding.
    expect(shownAt - dueAt).toBeGreaterThan(-dateRoundingMs - 500);
    expect(shownAt - dueAt).toBeLessThan(slowAnswerMs / 2 + dateRoundingMs + 500);
  }, 60_000);
});
