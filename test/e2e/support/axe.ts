import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

const axeSource = createRequire(import.meta.url).resolve('axe-core');

/** What axe audits: the elements a selector matches, or the page but those of the selectors. */
export type AuditedPart = string | { exclude: string[] };

/**
 * Runs axe-core's rules, WCAG 2.2 AA's target size too, in the page on `context` and lists each violation of impact serious or critical,
 * one line a violation: "rule-id: target, target — help"; [] if none.
 *
 * @example
 * expect(await seriousViolations(page, { exclude: ['.dev-panel'] })).toEqual([]);
 */
export async function seriousViolations(page: Page, context: AuditedPart): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeSource });
  const { violations } = await page.evaluate(
    (context) =>
      (window as unknown as { axe: { run: (context: AuditedPart, options: object) => Promise<AxeResults> } }).axe.run(context, {
        // WCAG 2.2 AA's 24 px targets (2.5.8), which axe ships but leaves off.
        rules: { 'target-size': { enabled: true } },
      }),
    context,
  );
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')} — ${violation.help}`);
}
