/**
 * Takes focus to the open page's heading, focusable from script only (not a Tab stop of its own): a keyboard or
 * screen reader user is told where they are and tabs on from there, as after a page load. False when there is none.
 *
 * @example
 * if (document.activeElement === document.body) focusPageHeading();
 */
export function focusPageHeading(): boolean {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!heading) return false;
  heading.tabIndex = -1;
  heading.focus();
  return true;
}
