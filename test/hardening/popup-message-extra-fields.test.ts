/** @vitest-environment node */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isTokenMessage, tokenMessageType } from '../../src/lib/session/popup-message.ts';

/**
 * Issue 5 asks that only "the expected shape" be accepted: isTokenMessage
 * takes exactly type, state and token, nothing beside them. (Origin, source
 * and the state nonce keep strangers out already; this is strictness.)
 */
it('ignores a token message with fields beyond type, state and token', () => {
  const state = 'b0f4c1de';
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1 }).filter((k) => !['type', 'state', 'token'].includes(k)), fc.jsonValue(), { minKeys: 1 }),
      (extra) => {
        const message = structuredClone({ ...extra, type: tokenMessageType, state, token: 'a.b.c' });
        expect(isTokenMessage(message, state)).toBe(false);
      },
    ),
  );
});
