import type { SignInStorage } from '../../src/lib/session/index.ts';

/**
 * A Storage in memory, with its items to look at: a tab's sessionStorage, or the localStorage an origin's pages share.
 *
 * @example
 * const storage = memoryStorage();
 * storage.setItem('quiet-session:sign-in', '{}'); // storage.items.size === 1
 */
export function memoryStorage(): SignInStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (name) => items.get(name) ?? null,
    setItem: (name, value) => void items.set(name, value),
    removeItem: (name) => void items.delete(name),
  };
}
