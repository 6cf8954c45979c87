import { useEffect, useRef } from 'react';

/**
 * A ref whose element's height the page keeps in the CSS variable `name` on `<html>`, as it changes
 * (wrapping on narrow screens, a notice showing): what floats over the page tells the page how much it covers.
 *
 * @example
 * const panel = useHeightVariable<HTMLElement>('--dev-panel-height');
 * <aside ref={panel}>…</aside>
 */
export function useHeightVariable<T extends HTMLElement>(name: string) {
  const element = useRef<T>(null);
  useEffect(() => {
    const root = document.documentElement;
    const observer = new ResizeObserver(([entry]) => root.style.setProperty(name, `${entry!.target.getBoundingClientRect().height}px`));
    observer.observe(element.current!);
    return () => {
      observer.disconnect();
      root.style.removeProperty(name);
    };
  }, [name]);
  return element;
}
