import { useCallback, useEffect, useLayoutEffect, useRef, type FocusEvent, type MouseEvent } from 'react';
import { focusFellToPage, focusPageHeading } from '../lib/page-focus.ts';

/** Where someone types: the place to come back to, rather than a link passed on the way. */
function isField(element: EventTarget | null): element is HTMLElement {
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement)
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'image', 'range', 'color'].includes(element.type);
  return element instanceof HTMLElement && element.isContentEditable;
}

/**
 * Gives focus back after a transient control goes away. Hand the returned `remember` to the control's
 * container as `onFocus` and `onMouseDown`. When `visible` turns false and focus has fallen to the page
 * (the pressed button went away), focus goes back to the field the user last typed in, while the control
 * showed or before it (even if focus then left it: a Generate pressed, and disabled while held), else
 * to the field focused while the control showed, else to where focus was before it entered the control:
 * the same after a click as after Tab and Enter or Space, however many links or fields the keyboard
 * passed on the way; with none of these (Tab from the top of a page just loaded), to the page's heading, if
 * the keyboard had brought the focus into the control. It never takes focus from anything else.
 *
 * @example
 * const remember = useRestoreFocus(view !== 'hidden');
 * <div role="alert" onFocus={remember} onMouseDown={remember}><button onClick={reconnect}>Reconnect</button></div>
 */
export function useRestoreFocus(visible: boolean): (event?: FocusEvent | MouseEvent) => void {
  const typed = useRef<HTMLElement | null>(null);
  const field = useRef<HTMLElement | null>(null);
  const cameFrom = useRef<Element | null>(null);
  // The control, and whether the keyboard's focus is in it: leaving the window for the popup moves it nowhere.
  const control = useRef<Element | null>(null);
  const inside = useRef(false);
  const remember = useCallback((event?: FocusEvent | MouseEvent) => {
    const container = event?.currentTarget instanceof Element ? event.currentTarget : null;
    control.current = container;
    // A focus event says where focus came from; before a mouse click moves it, it is still there.
    const from = event && 'relatedTarget' in event && event.type.startsWith('focus') ? event.relatedTarget : document.activeElement;
    // Moving within the control is not leaving the page.
    if (from instanceof Element && from !== document.body && !container?.contains(from)) cameFrom.current = from;
  }, []);

  useEffect(() => {
    // Whether the control shows or not: where the user typed just before it came is where they were.
    const onInput = (event: Event) => {
      if (isField(event.target)) typed.current = event.target;
    };
    document.addEventListener('input', onInput, true);
    return () => document.removeEventListener('input', onInput, true);
  }, []);

  useEffect(() => {
    if (!visible) return;
    const note = (target: EventTarget | null) => {
      if (isField(target)) field.current = target;
      // From the keyboard only: a click leaves the focus where the page is, and the heading would scroll it away.
      inside.current = target instanceof Element && !!control.current?.contains(target) && target.matches(':focus-visible');
    };
    note(document.activeElement);
    const onFocusIn = (event: globalThis.FocusEvent) => note(event.target);
    document.addEventListener('focusin', onFocusIn);
    return () => document.removeEventListener('focusin', onFocusIn);
  }, [visible]);

  // Before paint: focus never rests on the page between the control going and its return.
  useLayoutEffect(() => {
    if (visible) return;
    const back = [typed.current, field.current, cameFrom.current].find((element) => element?.isConnected) as HTMLElement | undefined;
    // Only when focus fell to the page, never away from anything else.
    if (focusFellToPage()) {
      if (back) back.focus?.();
      else if (inside.current) focusPageHeading();
    }
    inside.current = false;
    field.current = null;
    cameFrom.current = null;
  }, [visible]);

  return remember;
}
