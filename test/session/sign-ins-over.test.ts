/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { isSignInOver, markSignInOver } from '../../src/lib/session/sign-ins-over.ts';
import { memoryStorage } from '../support/memory-storage.ts';

/** The origin's localStorage, as its tabs and callback pages share it. */
const originStorage = memoryStorage;

describe('the sign-ins the studio is done with', () => {
  it('are known over for ten minutes, a callback page may come for no longer, and then go', () => {
    const storage = originStorage();
    markSignInOver(() => storage, undefined, 'old', 0);
    markSignInOver(() => storage, undefined, 'new', 9 * 60_000);
    expect(isSignInOver(() => storage, undefined, 'old', 9 * 60_000)).toBe(true);
    expect(isSignInOver(() => storage, undefined, 'old', 10 * 60_000)).toBe(false);
    markSignInOver(() => storage, undefined, 'newer', 10 * 60_000);
    expect(Object.keys(JSON.parse(storage.items.get('quiet-session:sign-ins-over')!))).toEqual(['new', 'newer']);
  });

  it('are kept by namespace, and a state of another sign-in is not over', () => {
    const storage = originStorage();
    markSignInOver(() => storage, 'other-app', 's-1');
    expect(isSignInOver(() => storage, 'other-app', 's-1')).toBe(true);
    expect(isSignInOver(() => storage, undefined, 's-1')).toBe(false);
    expect(isSignInOver(() => storage, 'other-app', 's-2')).toBe(false);
    expect(isSignInOver(() => storage, 'other-app', 'constructor')).toBe(false);
  });

  it('are kept anew over an entry that cannot be read, and are none where storage throws or is missing', () => {
    const storage = originStorage();
    storage.items.set('quiet-session:sign-ins-over', '{"cut sh');
    markSignInOver(() => storage, undefined, 's-1');
    expect(isSignInOver(() => storage, undefined, 's-1')).toBe(true);
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    expect(() => markSignInOver(blocked, undefined, 's-1')).not.toThrow();
    expect(isSignInOver(blocked, undefined, 's-1')).toBe(false);
    expect(isSignInOver(() => undefined, undefined, 's-1')).toBe(false);
  });

  it('are none where the entry keeps a time that is no number, which this version never writes', () => {
    const storage = originStorage();
    storage.items.set('quiet-session:sign-ins-over', JSON.stringify({ 's-1': String(9 * 60_000), 's-2': null }));
    expect(isSignInOver(() => storage, undefined, 's-1', 10 * 60_000)).toBe(false);
    expect(isSignInOver(() => storage, undefined, 's-2', 0)).toBe(false);
  });
});
