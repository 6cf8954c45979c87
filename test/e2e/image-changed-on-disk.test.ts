/** @vitest-environment node */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageFile } from '../support/image-files.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';
import { signIn } from './support/studio-user.ts';

/** A file's bytes that start as a PNG does: the backends read the type from them. */
const pngBytes = async (size: number, fill: number) => Buffer.from(await imageFile(size, 'ring.png', 'image/png', fill).arrayBuffer());

const served = mockAppInChromium();
/** The folder the test's image files are picked from. */
let files: string;
beforeAll(async () => {
  files = await mkdtemp(join(tmpdir(), 'quiet-session-changed-'));
});
afterAll(async () => {
  await rm(files, { recursive: true, force: true });
});

describe('an image saved again between its pick and its check, in Chromium', () => {
  it('says to pick it again, not "Something went wrong. Try again."', async () => {
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await signIn(context, page);
    const path = join(files, 'ring.png');
    await writeFile(path, await pngBytes(1000, 1));
    // The pick, on an input of the test's own: the app reads a file as soon as it hears of it, so the moment between
    // the pick and that read (a sync client or an editor saving meanwhile) is widened to the test's.
    await page.evaluate(() => {
      const held = document.createElement('input');
      held.type = 'file';
      held.id = 'held-pick';
      held.hidden = true;
      document.body.append(held);
    });
    await page.setInputFiles('#held-pick', path);
    await writeFile(path, await pngBytes(3000, 2));
    await page.evaluate(() => {
      const picked = new DataTransfer();
      picked.items.add((document.getElementById('held-pick') as HTMLInputElement).files![0]!);
      const input = document.getElementById('reference-image') as HTMLInputElement;
      input.files = picked.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });

    const status = page.locator('.panel', { has: page.getByRole('heading', { name: 'Reference image' }) }).getByRole('status');
    // The check's answer, whatever it is: neither nothing yet nor "Checking ring.png…".
    await expect.poll(() => status.innerText()).toMatch(/^(?!Checking)./);
    expect(await status.innerText()).toBe('ring.png could not be read: it may have changed since it was picked. Pick it again.');
  }, 90_000);
});
