/** @vitest-environment node */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expireSession, signIn } from './support/studio-user.ts';
import { mockAppInChromium } from './support/mock-app-in-chromium.ts';

const served = mockAppInChromium();

/**
 * The contrast of the focused element's outline, as painted (its colour through the element's and its
 * ancestors' opacity), against the background around the element: WCAG asks 3:1 of a focus indicator.
 */
const focusRingContrast = (page: Page) =>
  page.evaluate(() => {
    const parse = (color: string) => {
      const [r = 0, g = 0, b = 0, a = 1] = (color.match(/[\d.]+/g) ?? []).map(Number);
      return { rgb: [r, g, b], a };
    };
    const focused = document.activeElement as HTMLElement;
    let opacity = 1;
    for (let element: Element | null = focused; element; element = element.parentElement)
      opacity *= Number(getComputedStyle(element).opacity);
    let behind = [255, 255, 255];
    for (let element = focused.parentElement; element; element = element.parentElement) {
      const background = parse(getComputedStyle(element).backgroundColor);
      if (background.a === 1) {
        behind = background.rgb;
        break;
      }
    }
    const ring = parse(getComputedStyle(focused).outlineColor);
    const alpha = ring.a * opacity;
    const painted = ring.rgb.map((channel, i) => alpha * channel + (1 - alpha) * behind[i]!);
    const luminance = (rgb: number[]) => {
      const [r, g, b] = rgb.map((channel) => {
        const c = channel / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [light, dark] = [luminance(painted), luminance(behind)].sort((x, y) => y - x);
    return (light! + 0.05) / (dark! + 0.05);
  });

describe('the focus ring, in Chromium', () => {
  it('stays at 3:1 on a busy button, which keeps the focus while held', async () => {
    const { context } = served.browser;
    const page = await context.newPage();
    await page.goto(served.app.url);
    await signIn(context, page);
    await page.getByText('jewelry-generate').waitFor();
    const prompt = page.getByLabel('Prompt');
    await prompt.fill('A moonstone cuff');
    await expireSession(page);
    await prompt.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Session expired — click to reconnect' }).waitFor();
    // Held behind the banner: where focus is is where the keyboard user goes back from, to Reconnect.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Generating…');
    expect(await focusRingContrast(page)).toBeGreaterThanOrEqual(3);
    await page.close();
  }, 90_000);
});
