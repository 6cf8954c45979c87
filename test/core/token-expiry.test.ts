/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { createExpiryAwareness, readTokenExpiry } from '../../src/lib/token-expiry.ts';

const jwt = (payload: object) =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('readTokenExpiry', () => {
  it.each([
    [{ exp: 1_700_000_000 }, 1_700_000_000_000],
    [{ exp: 1_700_000_000, sub: 'ü?>' }, 1_700_000_000_000], // base64url letters and every padding length
    [{ exp: 1_700_000_000, s: 'ab' }, 1_700_000_000_000],
    [{ exp: 1_700_000_000, s: 'abc' }, 1_700_000_000_000],
    [{ sub: 'no exp' }, null],
    [{ exp: '1700000000' }, null],
  ])('reads %j', (payload, expected) => {
    expect(readTokenExpiry(jwt(payload))).toBe(expected);
  });

  it.each([null, '', 'opaque-token', 'a.%%%.c', 'a.bm90IGpzb24.c'])('knows nothing of %j', (token) => {
    expect(readTokenExpiry(token)).toBeNull();
  });
});

describe('createExpiryAwareness', () => {
  it('counts a token as expiring from exp - lead, until the backend vouches for it', () => {
    let now = 1_700_000_000_000 - 61_000;
    const expiry = createExpiryAwareness({ leadMs: 60_000, now: () => now });
    const token = jwt({ exp: 1_700_000_000 });
    expect(expiry.isExpiring(token)).toBe(false);
    expect(expiry.msUntilExpiring(token)).toBe(1_000);
    now += 1_000;
    expect(expiry.isExpiring(token)).toBe(true);
    expiry.vouch(token);
    expect(expiry.isExpiring(token)).toBe(false);
    expect(expiry.isExpiring(jwt({ exp: 1_600_000_000 }))).toBe(true);
    expect(expiry.isExpiring('opaque')).toBe(false);
  });
});
