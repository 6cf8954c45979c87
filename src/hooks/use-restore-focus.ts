import { useCallback, useEffect, useRef } from 'react';

/**
 * Gives focus back after a transient control goes away. Call the returned
 * `remember` on mousedown, before the click moves focus; when `visible` turns
 * false and focus has fallen to the page, the remembered element (the draft
 * the user was typing in) gets it back. It never takes focus from anything else.
 *
 * @example
 * const remember = useRestoreFocus(view !== 'hidden');
 * <button onMouseDown={remember} onClick={reconnect}>Reconnect</button>
 */
export function useRestoreFocus(visible: boolean): () => void {
  const previous = useRef<Element | null>(null);
  const remember = useCallback(() => {
    previous.current = document.activeElement;
  }, []);

  useEffect(() => {
    // Only when focus fell to the page (the clicked button went away), never away from anything else.
    if (!visible && document.activeElement === document.body) (previous.current as HTMLElement | null)?.focus?.();
    if (!visible) previous.current = null;
  }, [visible]);

  return remember;
}
