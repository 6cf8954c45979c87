import { attempt } from './attempt.ts';

/**
 * What a JWT access token says about itself: its payload, with the claims
 * the session reads. The signature is not checked: that is the server's job,
 * and the server stays the judge.
 */
export interface TokenClaims {
  /** Expiry, in seconds since the epoch, when the token says (a number, if it is one). */
  readonly exp?: unknown;
  /** When it was issued, in seconds since the epoch, when the token says. */
  readonly iat?: unknown;
  /** The account the token speaks for (a string, if the token says). */
  readonly sub?: unknown;
}

/**
 * The payload of a JWT; no claims (`{}`) for a token that is not one, such
 * as an opaque token. Strings are read as atob gives them (one character per
 * byte of UTF-8): the same for the same bytes, which is all a comparison needs.
 *
 * @example
 * readTokenClaims('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEiLCJleHAiOjE3MDAwMDAwMDB9.sig');
 * // { sub: 'ada', exp: 1700000000 }
 */
export function readTokenClaims(token: string | null): TokenClaims {
  // base64url is base64 with two letters swapped; spread, so a payload that is no object (null, 42, 'a') has no claims.
  return { ...attempt(() => JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')))) };
}

/**
 * `readTokenClaims` that remembers the last token it read: every request asks
 * about the current token, which rarely changes.
 *
 * @example
 * const claims = lastTokenClaims();
 * claims(token).sub; // parsed once for this token
 */
export function lastTokenClaims(): (token: string | null) => TokenClaims {
  // A value no token can be, so that the first call always reads (and sets `claims`).
  let last: unknown = lastTokenClaims;
  let claims!: TokenClaims;
  return (token) => {
    if (token !== last) claims = readTokenClaims((last = token) as string | null);
    return claims;
  };
}

/**
 * Who a token with `claims` acts for, comparable by value: its `sub`, and a `sub` that is a record (or null) as the
 * symbol of its JSON, for each token's claims are parsed afresh and two parses of one record are two objects. A
 * symbol, not the JSON itself: a string `sub` that spells it is another account.
 *
 * @example
 * accountIn(readTokenClaims(a)) === accountIn(readTokenClaims(b)); // one account, even when `sub` is { id: 7 }
 */
export function accountIn({ sub }: TokenClaims): unknown {
  return typeof sub === 'object' ? Symbol.for(JSON.stringify(sub)) : sub;
}

/**
 * Whether the token with `claims` was issued before the one with `than`: by `iat` when both say and differ, else by `exp` for the
 * same account (another account's may simply live shorter). A token that says neither (opaque, not a JWT) is no older.
 *
 * @example
 * issuedBefore({ sub: 'ada', exp: 1_700_000_000 }, { sub: 'ada', exp: 1_700_000_600 }); // true
 */
export function issuedBefore(claims: TokenClaims, than: TokenClaims): boolean {
  // Number.isFinite is false for anything that is not a number; iat is to the second: a tie says nothing.
  if (Number.isFinite(claims.iat) && Number.isFinite(than.iat) && claims.iat !== than.iat)
    return (claims.iat as number) < (than.iat as number);
  return (
    accountIn(claims) === accountIn(than) &&
    Number.isFinite(claims.exp) &&
    Number.isFinite(than.exp) &&
    (claims.exp as number) < (than.exp as number)
  );
}

/**
 * The `exp` of a token with `claims`, in seconds since the epoch, or null when it says none that is a finite number.
 *
 * @example
 * expOf(readTokenClaims(token)); // 1700000000
 */
export const expOf = ({ exp }: TokenClaims): number | null => (Number.isFinite(exp) ? (exp as number) : null);
