/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { createPopupHints } from '../../src/lib/session/index.ts';

describe('createPopupHints', () => {
  it('keeps the last hint reported and tells its subscribers until they leave', () => {
    const hints = createPopupHints();
    const seen: unknown[] = [];
    const leave = hints.subscribe(() => seen.push(hints.current()));
    expect(hints.current()).toBeNull();
    const hint = { reopen: () => {} };
    hints.report(hint);
    hints.report(null);
    leave();
    hints.report(hint);
    expect(seen).toEqual([hint, null]);
    expect(hints.current()).toBe(hint);
  });
});
