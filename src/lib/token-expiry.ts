/**
 * When a JWT says it expires, in ms since the epoch; null when the token is
 * not a JWT or has no numeric `exp`. The signature is not checked: that is the
 * server's job, and the server stays the judge (see `createExpiryAwareness`).
 *
 * @example
 * readTokenExpiry('eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.sig'); // 1700000000000
 */
export function readTokenExpiry(token: string | null): number | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    // atob is forgiving about missing padding; base64url only needs its two letters swapped back.
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    // Number.isFinite is false for anything that is not a number.
    return Number.isFinite(exp) ? (exp as number) * 1000 : null;
  } catch {
    return null;
  }
}

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
 * const expiry = createExpiryAwareness({ leadMs: 60_000, now: Date.now });
 * if (expiry.isExpiring(token)) holdAndValidate();
 */
export function createExpiryAwareness(options: { leadMs: number; now: () => number }): ExpiryAwareness {
  let vouched: string | null = null;
  // The token asked about last and its expiry: every request asks, and the token rarely changes.
  let known: [string | null, number | null] | undefined;
  const msUntilExpiring = (token: string | null) => {
    if (known?.[0] !== token) known = [token, readTokenExpiry(token)];
    const exp = known[1];
    return exp === null ? null : exp - options.leadMs - options.now();
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
