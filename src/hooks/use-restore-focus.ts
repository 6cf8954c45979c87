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
  const previous = useRef<HTMLElement | null>(null);

  const remember = useCallback(() => {
    const active = document.activeElement;
    if (active instanceof HTMLElement && active !== document.body) previous.current = active;
  }, []);

  useEffect(() => {
    if (visible) return;
    const target = previous.current;
    previous.current = null;
    const current = document.activeElement;
    if (target?.isConnected && (current === null || current === document.body)) target.focus({ preventScroll: true });
  }, [visible]);

  return remember;
}
