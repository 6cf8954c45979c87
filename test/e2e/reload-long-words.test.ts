/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { expireSession, heldAtLeast, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

/** A pasted link: one word of 450 characters, with no hyphen or space to wrap at. */
const link = `https://example.com/inspiration/${'sapphire_ring_'.repeat(30)}💍`;
/** A 1×1 PNG. */
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('a reload that drops a Generate and a pick of long single words, in Chromium', () => {
  it('says so within the page: nothing is pushed off to the side', async () => {
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await signIn(context, page);
    await page.getByLabel('Prompt').fill(link);
    await expireSession(page);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.setInputFiles('#reference-image', { name: `${'moonstone_cuff_'.repeat(16)}.png`, mimeType: 'image/png', buffer: png });
    await heldAtLeast(page, 2);

    await page.reload();
    await page.getByText(/was cut off before it got an answer/).waitFor();
    await page.getByText(/picked before the page was reloaded or left, is not kept/).waitFor();
    // No sideways scroll: the Workflow panel still beside the prompt, in sight.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(
      await page.evaluate(() => document.documentElement.clientWidth),
    );
    const workflow = await page.getByRole('heading', { name: 'Workflow' }).boundingBox();
    expect(workflow && workflow.x + workflow.width).toBeLessThan(1100);
  }, 90_000);
});
