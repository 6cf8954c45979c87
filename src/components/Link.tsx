import type { ComponentProps, MouseEvent } from 'react';
import { navigate } from '../lib/navigation.ts';

/**
 * An `<a>` that changes the page without a reload (modified clicks still open
 * a new tab as usual).
 *
 * @example
 * <Link to="/admin/batches">Admin batches</Link>
 */
export function Link({ to, onClick, ...rest }: ComponentProps<'a'> & { to: string }) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}
