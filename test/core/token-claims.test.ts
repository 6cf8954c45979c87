/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { lastTokenClaims, readTokenClaims } from '../../src/lib/session/token-claims.ts';
import { createExpiryAwareness } from '../../src/lib/session/token-expiry.ts';

const jwt = (payload: unknown) =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('readTokenClaims', () => {
  it.each([
    [{ exp: 1_700_000_000, sub: 'ada' }],
    [{ exp: 1_700_000_000, s: 'ab' }],
    [{ exp: 1_700_000_000, s: 'abc' }],
    [{ sub: 'no exp' }],
  ])('reads %j', (payload) => {
    expect(readTokenClaims(jwt(payload))).toEqual(payload);
  });

  it('tells subjects apart by their bytes, base64url letters and padding included', () => {
    const subjects = ['ü?>', 'u?>', 'ü?>~', 'ada'].map((sub) => readTokenClaims(jwt({ exp: 1_700_000_000, sub })));
    expect(new Set(subjects.map((claims) => claims.sub)).size).toBe(4);
    expect(readTokenClaims(jwt({ sub: 'ü?>' })).sub).toBe(subjects[0]!.sub);
    expect(subjects.map((claims) => claims.exp)).toEqual(Array(4).fill(1_700_000_000));
  });

  it.each([null, '', 'opaque-token', 'a.%%%.c', 'a.bm90IGpzb24.c', 'a..c', jwt(null), jwt(42), jwt('text')])('finds no claims in %j', (token) => {
    const claims = readTokenClaims(token);
    expect([claims.exp, claims.sub]).toEqual([undefined, undefined]);
  });

  it('parses each token once when it is asked about again (lastTokenClaims)', () => {
    const claims = lastTokenClaims();
    const ada = jwt({ sub: 'ada' });
    const first = claims(ada);
    expect(claims(ada)).toBe(first);
    expect(claims(jwt({ sub: 'bob' })).sub).toBe('bob');
    expect(claims(ada)).not.toBe(first);
  });
});

describe('createExpiryAwareness', () => {
  it('counts a token as expiring from exp - lead, until the backend vouches for it', () => {
    let now = 1_700_000_000_000 - 61_000;
    const expiry = createExpiryAwareness({ leadMs: 60_000, now: () => now, claims: lastTokenClaims() });
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

  it.each([{ exp: '1700000000' }, { sub: 'no exp' }, { exp: null }])('knows no expiry for %j', (payload) => {
    const expiry = createExpiryAwareness({ leadMs: 0, now: () => 0, claims: lastTokenClaims() });
    expect(expiry.msUntilExpiring(jwt(payload))).toBeNull();
  });
});
