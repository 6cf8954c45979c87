/** @vitest-environment node */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageFile } from '../../support/image-files.ts';
import { stackInChromium } from '../support/stack-in-chromium.ts';
import { continueInPopup, errorText, heldAtLeast, signIn } from '../support/studio-user.ts';
import { networkErrorText } from '../support/stack-user.ts';

/** A file's bytes that start as a PNG does: the backends read the type from them. */
const pngBytes = async (size: number, fill: number) => Buffer.from(await imageFile(size, 'ring.png', 'image/png', fill).arrayBuffer());

// The studio's other paths on the reference stack: the upload through a reconnect, a design to its end, another account,
// the backend gone for a while.
const run = stackInChromium({ tokenTtlSeconds: 60, switchableApi: true });
/** The folder the test's image files are picked from. */
let files: string;
beforeAll(async () => {
  files = await mkdtemp(join(tmpdir(), 'quiet-session-uploads-'));
});
afterAll(async () => {
  await rm(files, { recursive: true, force: true });
});

/** What a user reads in the app, minus the dev panel (ours, not the app's). */
const visibleText = () =>
  run.page.evaluate(() => [...document.querySelectorAll('#root > *:not(.dev-panel)')].map((e) => (e as HTMLElement).innerText).join('\n'));
const networkErrors = () => run.consoleLines.filter((line) => networkErrorText.test(line));
/** A token the backend refuses (its signature is wrong), for one request the test picks. */
const refusedAuthorization = { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLWFkYSJ9.not-signed-so' };
const withRefusedToken = (route: Route) => route.continue({ headers: { ...route.request().headers(), ...refusedAuthorization } });

describe('the studio on the reference backend, in Chromium', () => {
  it('replays an upload refused with a 401 after the reconnect, byte for byte, and FastAPI reads it whole', async () => {
    const { context, page } = run;
    await signIn(context, page);
    const bodies: Buffer[] = [];
    // The upload, then the validation it starts, meet the refused token: the backend says the session is over.
    await page.route(
      '**/api/images/validate',
      async (route) => {
        bodies.push(route.request().postDataBuffer() ?? Buffer.alloc(0));
        await page.route('**/auth/me', withRefusedToken, { times: 1 });
        await withRefusedToken(route);
      },
      { times: 1 },
    );
    const name = 'bague "émeraude" 💍.png';
    const bytes = await pngBytes(3 * 1024 * 1024 + 17, 9);
    await writeFile(join(files, name), bytes);
    await page.setInputFiles('#reference-image', join(files, name));
    await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await heldAtLeast(page, 1);
    await page.route(
      '**/api/images/validate',
      async (route) => {
        bodies.push(route.request().postDataBuffer() ?? Buffer.alloc(0));
        await route.continue();
      },
      { times: 1 },
    );

    const opened = context.waitForEvent('page');
    await page.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await opened);
    await page.getByText(`${name} is ready (image/png, ${Math.ceil(bytes.length / 1024)} KB).`).waitFor();
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.length).toBeGreaterThan(bytes.length);
    expect(bodies[1]!.equals(bodies[0]!)).toBe(true);
    expect(await visibleText()).not.toMatch(errorText);
    expect(networkErrors()).toEqual([]);
  }, 60_000);

  it('sends the image as it was picked when its file changes on disk while the upload is held', async () => {
    const { context, page } = run;
    await signIn(context, page);
    await page.route(
      '**/api/images/validate',
      async (route) => {
        await page.route('**/auth/me', withRefusedToken, { times: 1 });
        await withRefusedToken(route);
      },
      { times: 1 },
    );
    const path = join(files, 'ring.png');
    await writeFile(path, await pngBytes(1000, 1));
    await page.setInputFiles('#reference-image', path);
    await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    await heldAtLeast(page, 1);
    // Touched up and saved again in an editor meanwhile: Chromium will not send a file changed since it was picked.
    await writeFile(path, await pngBytes(3000, 2));

    const opened = context.waitForEvent('page');
    await page.getByRole('alert').getByRole('button', { name: 'Reconnect' }).click();
    await continueInPopup(await opened);
    await page.getByText('ring.png is ready (image/png, 1 KB).').waitFor();
    expect(await visibleText()).not.toMatch(/couldn't reach|offline/i);
  }, 60_000);

  it('spends a credit on Generate, shows the design once the workflow completes, and signs out for Grace to sign in', async () => {
    const { stack, context, page } = run;
    await signIn(context, page);
    const before = { ada: await stack.credits('user-ada'), grace: await stack.credits('user-grace') };
    await page.getByText(`Credits: ${before.ada}`).waitFor();
    await page.getByLabel('Prompt').fill('A jade ring');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText(`Credits: ${before.ada - 1}`).waitFor();
    await page.getByRole('status').filter({ hasText: 'Running…' }).waitFor();
    await page.getByRole('img', { name: 'Generated design: A jade ring' }).waitFor();
    await page.getByText('Completed').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    const opened = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Google' }).click();
    await continueInPopup(await opened, 'Grace Hopper');
    await page.locator('header .user').filter({ hasText: 'Grace Hopper' }).waitFor();
    await page.getByText(`Credits: ${before.grace}`).waitFor();
    await page.getByText('Generate a design to start a workflow.').waitFor();
    expect(await page.getByRole('img', { name: /Generated design/ }).count()).toBe(0);
    expect(await visibleText()).not.toMatch(errorText);
    expect({ ada: await stack.credits('user-ada'), grace: await stack.credits('user-grace') }).toEqual({ ...before, ada: before.ada - 1 });
    expect(networkErrors()).toEqual([]);
  }, 60_000);

  it('says at once that the backend cannot be reached when it is down at sign-in, and signs in once it is back', async () => {
    const { stack, context, page } = run;
    const api = stack.apiSwitch!;
    try {
      await api.down();
      const opened = context.waitForEvent('page');
      await page.getByRole('button', { name: 'Sign in with Google' }).click();
      const popup = await opened;
      await page
        .getByText(
          "Signing in with Google did not finish: the studio's server could not be reached (server_unreachable). Press Sign in with Google to try again.",
        )
        .waitFor({ timeout: 15_000 });
      // The popup's first page is the backend's: the browser's error page, which the sign-in closes.
      if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: 5_000 });
      expect(await page.getByRole('button', { name: 'Sign in with Google' }).isEnabled()).toBe(true);
    } finally {
      await api.up();
    }
    await signIn(context, page);
    await page.locator('header .user').filter({ hasText: 'Ada Lovelace' }).waitFor();
  }, 60_000);

  it('holds a Generate while the backend is away, with no error text, and sends it once when it is back', async () => {
    const { stack, context, page } = run;
    const api = stack.apiSwitch!;
    const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";
    await signIn(context, page);
    const before = await stack.credits('user-ada');
    await page.getByText(`Credits: ${before}`).waitFor();
    await page.getByText('jewelry-generate').waitFor();
    const prompt = page.getByLabel('Prompt');
    await prompt.fill('A garnet brooch');
    try {
      await api.down();
      // The browser stays online: the next poll that meets the refused connection tells the session.
      await page.getByText(offlineLine).waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Generate' }).click();
      await heldAtLeast(page, 1);
      expect(await page.getByRole('button', { name: 'Generating…' }).isVisible()).toBe(true);
      expect(await visibleText()).not.toMatch(errorText);
    } finally {
      await api.up();
    }

    // No `online` comes when only the backend was away: the session's next probe finds it back.
    await page.getByRole('img', { name: 'Generated design: A garnet brooch' }).waitFor({ timeout: 30_000 });
    await page.getByText(`Credits: ${before - 1}`).waitFor();
    await page.getByText(offlineLine).waitFor({ state: 'detached' });
    await page.getByText(/Couldn't reach the studio/).waitFor({ state: 'detached' });
    expect(await prompt.inputValue()).toBe('A garnet brooch');
    expect(await stack.credits('user-ada')).toBe(before - 1);
    expect(await visibleText()).not.toMatch(errorText);
  }, 90_000);
});
