/**
 * Whether focus has fallen to the page itself (the focused control went away): only then may the app move it.
 *
 * @example
 * if (focusFellToPage()) focusPageHeading();
 */
export function focusFellToPage(): boolean {
  return document.activeElement === document.body || document.activeElement === null;
}

/**
 * Takes focus to `element`, made focusable from script only if it is not already (not a Tab stop of its own).
 *
 * @example
 * focusFromScript(document.querySelector('table')!);
 */
export function focusFromScript(element: HTMLElement): void {
  if (element.tabIndex < 0 && !element.hasAttribute('tabindex')) element.tabIndex = -1;
  element.focus();
}

/**
 * Takes focus to the open page's heading: a keyboard or screen reader user is told where they are and tabs on from
 * there, as after a page load. False when there is none.
 *
 * @example
 * if (focusFellToPage()) focusPageHeading();
 */
export function focusPageHeading(): boolean {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!heading) return false;
  focusFromScript(heading);
  return true;
}
