import { createHmac } from 'node:crypto';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { killAllServers } from '../../../backend/processes.ts';
import { startStack, type Stack } from '../../../backend/stack.ts';
import { accessTokenAudience, accessTokenIssuer } from '../../../src/mocks/mock-auth.ts';
import { startApiSwitch, type ApiSwitch } from './api-switch.ts';
import { freePort } from './app-server.ts';

/** The backend's key in the browser tests: known, so that a test can ask the API as Ada or Grace itself. */
const jwtSecret = 'quiet-session-browser-tests-only';

/** The reference stack, and what the test can ask of it beside the browser. */
export interface TestStack extends Stack {
  /** A user's credits, asked of the API directly (each generation spends one). */
  credits: (userId: SeededUser) => Promise<number>;
  /** Starts a generation as the user, at the API directly: spends one of their credits. */
  generate: (userId: SeededUser, prompt: string) => Promise<void>;
  /** With `switchableApi`: the proxy the app's API calls go through, to take the backend away; else null. */
  apiSwitch: ApiSwitch | null;
}

/** The backend's seeded users (backend/app/users.py). */
export type SeededUser = 'user-ada' | 'user-grace';

/**
 * The backend, the stand-in Google and the app on free ports, with access tokens that
 * live `tokenTtlSeconds` (the expiry comes by the clock). With `switchableApi`, the app
 * reaches the API through `apiSwitch`, which the test can take down and bring back.
 * With `app: 'build'`, the app is the production build users ship, not the dev server.
 *
 * @example
 * const stack = await startTestStack({ tokenTtlSeconds: 6 });
 * await stack.credits('user-ada'); // 25
 * await stack.stop();
 */
export async function startTestStack(options: {
  tokenTtlSeconds: number;
  switchableApi?: boolean;
  app?: 'dev' | 'build';
}): Promise<TestStack> {
  // Should the worker end without afterAll (a bail, a crash), no server outlives it.
  process.once('exit', killAllServers);
  const ports = { app: await freePort(), api: await freePort(), google: await freePort() };
  const apiSwitch = options.switchableApi ? await startApiSwitch(await freePort(), ports.api) : null;
  const stack = await startStack({
    ports,
    tokenTtlSeconds: options.tokenTtlSeconds,
    jwtSecret,
    appApiUrl: apiSwitch?.url,
    app: options.app,
  });
  const credits = async (userId: SeededUser) => {
    const response = await fetch(`${stack.apiUrl}/api/credits`, { headers: { authorization: `Bearer ${accessToken(userId)}` } });
    if (!response.ok) throw new Error(`GET /api/credits as ${userId}: ${response.status}`);
    return ((await response.json()) as { balance: number }).balance;
  };
  const generate = async (userId: SeededUser, prompt: string) => {
    const response = await fetch(`${stack.apiUrl}/api/jewelry/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken(userId)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt }),
    });
    if (response.status !== 202) throw new Error(`POST /api/jewelry/generate as ${userId}: ${response.status}`);
  };
  // The proxy closes with the stack: no listener keeps the worker alive.
  const stop = () => Promise.all([stack.stop(), apiSwitch?.down()]).then(() => undefined);
  return { ...stack, stop, credits, generate, apiSwitch };
}

/** An access token for `userId`, signed as the backend signs them (HS256, with the profile in its claims). */
function accessToken(userId: SeededUser): string {
  const profile =
    userId === 'user-ada'
      ? { email: 'ada@quiet.studio', name: 'Ada Lovelace', role: 'admin' }
      : { email: 'grace@quiet.studio', name: 'Grace Hopper', role: 'member' };
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: accessTokenIssuer, aud: accessTokenAudience, sub: userId, ...profile, iat: now, exp: now + 60 })}`;
  return `${unsigned}.${createHmac('sha256', jwtSecret).update(unsigned).digest('base64url')}`;
}

/**
 * What a browser context's pages (popups included) print to the console and throw, from now on.
 *
 * @example
 * const messages = watchConsole(context);
 * expect(messages.filter((m) => /CORS/.test(m))).toEqual([]);
 */
export function watchConsole(context: BrowserContext): string[] {
  const messages: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return messages;
}

/** What the browser says when a response lacks CORS headers, or fetch gives up on one. */
export const networkErrorText = /CORS|Failed to fetch|Access-Control/i;

/**
 * Every answer of the API to a page of `context` from now on (the browser's view, headers included).
 *
 * @example
 * const answers = apiResponses(context, stack.apiUrl);
 */
export function apiResponses(context: BrowserContext, apiUrl: string): Response[] {
  const seen: Response[] = [];
  context.on('response', (response) => {
    if (response.url().startsWith(`${apiUrl}/`)) seen.push(response);
  });
  return seen;
}

/**
 * Resolves once the page's access token has reached its `exp` on the page's clock: expired by the
 * clock, nobody touched it. Throws when the page holds no token.
 *
 * @example
 * await tokenExpired(page);
 */
export async function tokenExpired(page: Page): Promise<void> {
  const exp = await page.evaluate(() => {
    const token = localStorage.getItem('quiet-session.token');
    return token === null ? null : (JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp: number }).exp;
  });
  if (typeof exp !== 'number') throw new Error('The page holds no access token with an exp.');
  await page.waitForFunction((expMs) => Date.now() >= expMs, exp * 1000, { timeout: exp * 1000 - Date.now() + 10_000 });
}

/**
 * Resolves with the session's state once it has left `active` and `validating` (after an expiry:
 * `needsReauth.waiting`, or `offline.…` when the 401 could not be read).
 *
 * @example
 * expect(await sessionSettled(page)).toBe('needsReauth.waiting');
 */
export async function sessionSettled(page: Page): Promise<string> {
  const state = page.getByTestId('session-state');
  await page.waitForFunction(
    () => !/^(active|validating)/.test(document.querySelector('[data-testid="session-state"]')?.textContent ?? ''),
  );
  return (await state.textContent()) ?? '';
}

/** One line of the session report (src/lib/session/session-report.ts). */
export interface ReportEntry {
  /** ISO time, on the tab's clock. */
  at: string;
  event: string;
  state?: string;
  held?: number;
  detail?: string;
}

/**
 * Presses the dev panel's "Copy session report" and reads what it copied. The context needs
 * clipboard permissions: `context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })`.
 *
 * @example
 * const { entries } = await copySessionReport(page);
 */
export async function copySessionReport(page: Page): Promise<{ state: string; entries: ReportEntry[] }> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.getByRole('button', { name: 'Copy session report' }).click();
  // "Copied." stays from an earlier press: wait for the clipboard itself.
  const copied = await page.evaluate(async () => {
    for (let deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((next) => setTimeout(next, 50))) {
      const text = await navigator.clipboard.readText();
      if (text) return text;
    }
    return null;
  });
  if (copied === null) throw new Error('"Copy session report" copied nothing within 5 s.');
  return JSON.parse(copied) as { state: string; entries: ReportEntry[] };
}
