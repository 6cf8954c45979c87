import { useSyncExternalStore } from 'react';
import { subscribeToPath } from '../lib/navigation.ts';

/**
 * The current path, re-rendering on links and the back button.
 *
 * @example
 * const path = usePathname(); // '/admin/batches'
 */
export function usePathname(): string {
  return useSyncExternalStore(
    subscribeToPath,
    () => globalThis.location.pathname,
    () => '/',
  );
}
