/**
 * Tokens of one fuzz run: real-looking JWTs that expire on the run's simulated
 * clock, each unique, all remembered so that a leak of any of them is caught.
 * Read here with our own decoder, not the core's, so that the fuzz judges the
 * core's expiry logic instead of repeating it.
 */
export interface FuzzTokens {
  /** Every token minted so far, oldest first. */
  readonly all: readonly string[];
  /** A fresh token, valid for `lifetimeMs` from `nowMs`. */
  mint(nowMs: number): string;
  /** True when `token` is within `leadMs` of its `exp` at `nowMs`. */
  isExpiring(token: string | null, nowMs: number): boolean;
  /** The first minted token found in `text`, if any. */
  leakedIn(text: string): string | undefined;
}

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * @example
 * const tokens = createFuzzTokens({ lifetimeMs: 600_000, leadMs: 60_000 });
 * const token = tokens.mint(clock.now());
 */
export function createFuzzTokens(options: { lifetimeMs: number; leadMs: number }): FuzzTokens {
  const all: string[] = [];
  const expiry = new Map<string, number>();
  return {
    all,
    mint(nowMs) {
      const n = all.length + 1;
      const exp = nowMs + options.lifetimeMs;
      // The signature part carries a marker no other string in the system has, so a substring match is a leak.
      const token = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'ada', n, exp: exp / 1000 })}.fuzzSecret${n}x`;
      all.push(token);
      expiry.set(token, exp);
      return token;
    },
    isExpiring(token, nowMs) {
      const exp = token === null ? undefined : expiry.get(token);
      return exp !== undefined && exp - options.leadMs <= nowMs;
    },
    leakedIn(text) {
      // Every token shares the same header part: look for the unique signature marker and the payload.
      return all.find((token) => text.includes(token) || text.includes(token.split('.')[2]!));
    },
  };
}
