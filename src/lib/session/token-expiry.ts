import type { TokenClaims } from './token-claims.ts';

/** What the session knows about the current token's lifetime. */
export interface ExpiryAwareness {
  /** True from `exp - leadMs` on, unless the backend vouched for this very token since. */
  isExpiring(token: string | null): boolean;
  /** The backend accepted `token` after it was seen expiring (clocks differ): trust the backend. */
  vouch(token: string | null): void;
  /** Ms until `token` starts expiring, or null when its expiry is unknown. */
  msUntilExpiring(token: string | null): number | null;
}

/**
 * @example
 * const expiry = createExpiryAwareness({ leadMs: 60_000, now: Date.now, claims: lastTokenClaims() });
 * if (expiry.isExpiring(token)) holdAndValidate();
 */
export function createExpiryAwareness(options: {
  leadMs: number;
  now: () => number;
  /** Where claims are read: a `lastTokenClaims()`, shared so that each token is parsed once. */
  claims: (token: string | null) => TokenClaims;
}): ExpiryAwareness {
  let vouched: string | null = null;
  const { claims } = options;
  const msUntilExpiring = (token: string | null) => {
    const { exp } = claims(token);
    // Number.isFinite is false for anything that is not a number.
    return Number.isFinite(exp) ? (exp as number) * 1000 - options.leadMs - options.now() : null;
  };
  return {
    msUntilExpiring,
    isExpiring(token) {
      const ms = msUntilExpiring(token);
      return ms !== null && ms <= 0 && token !== vouched;
    },
    vouch(token) {
      vouched = token;
    },
  };
}
