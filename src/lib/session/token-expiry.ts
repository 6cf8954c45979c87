import { expOf, type TokenClaims } from './token-claims.ts';

/** How long, at least, a backend that still accepts a token past its `exp` is believed before it is asked again. */
const minTrustPastExpMs = 10_000;

/** What the session knows about the current token's lifetime, on the backend's clock. */
export interface ExpiryAwareness {
  /** True from `exp - leadMs` on, but for a lead window after the backend last accepted this very token. */
  isExpiring(token: string | null): boolean;
  /**
   * The backend accepted `token` just now, asked `askedMsAgo` ago: it is trusted for one lead window, never past its
   * `exp`. Past `exp` (clocks differ), a backend that still accepts it is asked again once a window, not on every
   * request; a yes that may have been given before `exp`, on a reading as far off as it may be, proves nothing past it.
   */
  vouch(token: string | null, askedMsAgo?: number): void;
  /**
   * The backend could not say whether `token` is good (it answered with errors): the timer that asks it waits a
   * lead window. Calls are not told anything: a token in its lead window is still checked before each is sent.
   */
  postpone(token: string | null): void;
  /**
   * The backend's clock was read anew, `shiftMs` ahead of the reading before: the last trust is measured again from
   * when the backend gave it on the new one (past `exp` on a clock an hour fast, say, it was within its life);
   * it is trusted past `exp` only if it was past `exp` on every reading.
   */
  clockChanged(shiftMs: number): void;
  /** Ms until the session should ask about `token`: when it starts expiring (trust included), or when a postponed ask is due; null when its expiry is unknown. */
  msUntilExpiring(token: string | null): number | null;
  /** Ms until `beforeMs` before `token`'s `exp`, or null when its expiry is unknown. */
  msUntilBeforeExpiry(token: string | null, beforeMs: number): number | null;
  /** How long `token` lives, `exp - iat`, or null when it does not say both or they make no sense. */
  lifetimeMs(token: string | null): number | null;
}

/**
 * @example
 * const expiry = createExpiryAwareness({ leadMs: 60_000, now: Date.now, claims: lastTokenClaims() });
 * if (expiry.isExpiring(token)) holdAndValidate();
 */
export function createExpiryAwareness(options: {
  leadMs: number;
  /** The backend's time: this tab's clock plus the offset seen in its answers. */
  now: () => number;
  /** How far `now` may be off the backend's own clock (the `Date` header's rounding, a late answer); 0 when not said. */
  uncertaintyMs?: () => number;
  /** Where claims are read: a `lastTokenClaims()`, shared so that each token is parsed once. */
  claims: (token: string | null) => TokenClaims;
}): ExpiryAwareness {
  let trusted: string | null = null;
  /** When the backend last accepted `trusted`, on its clock as read now. */
  let trustedAt = 0;
  /** Whether `trusted` was accepted before its `exp` on any reading of the clock since: then it is never trusted past `exp`. */
  // Stryker disable next-line BooleanLiteral: read only for a vouched token, and vouch sets it
  let withinLife = true;
  /** How long before `trustedAt` the backend was asked: its yes may have been given as early as that. */
  let askedBefore = 0;
  const { claims, leadMs, now } = options;
  const uncertainty = options.uncertaintyMs ?? (() => 0);
  /** The last token asked about, and when it starts expiring on the backend's clock: asked on every request. */
  let known: string | null | undefined;
  let startsAt: number | null = null;
  let postponed: string | null | undefined;
  let postponedUntil = 0;
  const expMs = (token: string | null) => {
    const exp = expOf(claims(token));
    return exp === null ? null : exp * 1000;
  };
  /** Trusted for one lead window from then, never past `exp`; past `exp` (clocks differ), asked again a window later, not on every request. */
  const trustedUntil = (exp: number) =>
    // Past exp, at least a few seconds: with no lead at all it would be asked again at once, in a loop.
    withinLife ? Math.min(trustedAt + leadMs, exp) : trustedAt + Math.max(leadMs, minTrustPastExpMs);
  // A reading cannot say when the clock changed, before the vouch or after: past exp must hold on every reading.
  // Within the reading's uncertainty of exp, a yes may have been given before it: proof of nothing past it.
  const noteLife = () => void (withinLife ||= trustedAt - askedBefore - uncertainty() < (expMs(trusted) ?? Infinity));
  const expiringAt = (token: string | null) => {
    // Stryker disable next-line ConditionalExpression: a cache only; what it caches changes only in vouch and clockChanged, which clear it
    if (token !== known) {
      known = token;
      const exp = expMs(token);
      startsAt = exp === null ? null : Math.max(exp - leadMs, token === trusted ? trustedUntil(exp) : 0);
    }
    return startsAt;
  };
  return {
    msUntilExpiring(token) {
      const at = expiringAt(token);
      if (at === null) return null;
      // Put off only once expiring: a shown page's calls trust a timer that fires before then, and would go unchecked past it.
      return (at <= now() && token === postponed ? Math.max(at, postponedUntil) : at) - now();
    },
    isExpiring(token) {
      const at = expiringAt(token);
      return at !== null && at <= now();
    },
    postpone(token) {
      postponed = token;
      postponedUntil = now() + leadMs;
    },
    vouch(token, askedMsAgo = 0) {
      trusted = token;
      trustedAt = now();
      askedBefore = askedMsAgo;
      withinLife = false;
      noteLife();
      known = undefined;
      const exp = expMs(token);
      // A yes that may be past exp is asked about again once a yes would prove it, not at once and again (calls still wait from exp).
      if (withinLife && exp !== null && trustedAt + uncertainty() > exp) {
        postponed = token;
        postponedUntil = exp + uncertainty();
      }
    },
    clockChanged(shiftMs) {
      // Not dropped: a token the backend accepted a moment ago is still good, and without trust it would be asked again at once.
      trustedAt += shiftMs;
      noteLife();
      known = undefined;
    },
    msUntilBeforeExpiry(token, beforeMs) {
      const exp = expMs(token);
      return exp === null ? null : exp - beforeMs - now();
    },
    lifetimeMs(token) {
      const { iat } = claims(token);
      const exp = expMs(token);
      const life = exp === null || !Number.isFinite(iat) ? null : exp - (iat as number) * 1000;
      // An iat at or after exp (in ms by mistake), or claims too large to subtract, say nothing of the token's life.
      return life !== null && life > 0 && life < Infinity ? life : null;
    },
  };
}
