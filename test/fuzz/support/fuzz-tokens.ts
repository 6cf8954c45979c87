/**
 * Tokens of one fuzz run: real-looking JWTs that expire on the backend's
 * clock, each unique, all remembered so that a leak of any of them is caught.
 * Read here with our own records, not the core's decoder, so that the fuzz
 * judges the core's expiry logic instead of repeating it.
 */
export interface FuzzTokens {
  /** Every token minted so far, oldest first. */
  readonly all: readonly string[];
  /** A fresh token for `sub`, valid for `lifetimeMs` from `backendNowMs`. */
  mint(backendNowMs: number, sub?: string): string;
  /** When `token` expires on the backend's clock (ms), undefined for null or a token not minted here. */
  expOf(token: string | null): number | undefined;
  /** Its `iat`, in whole seconds of the backend's clock as the backends issue it (undefined for null). */
  iatOf(token: string | null): number | undefined;
  /** The account `token` speaks for (undefined for null). */
  subOf(token: string | null): string | undefined;
  /** The first minted token found in `text`, if any. */
  leakedIn(text: string): string | undefined;
}

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * @example
 * const tokens = createFuzzTokens({ lifetimeMs: 600_000 });
 * const token = tokens.mint(backendNow());
 */
export function createFuzzTokens(options: { lifetimeMs: number }): FuzzTokens {
  const all: string[] = [];
  const claims = new Map<string, { exp: number; iat: number; sub: string }>();
  return {
    all,
    mint(backendNowMs, sub = 'ada') {
      const n = all.length + 1;
      const exp = backendNowMs + options.lifetimeMs;
      // Whole seconds, as the backends issue it: two tokens of one second tie on it, and are told apart by exp.
      const iat = Math.floor(backendNowMs / 1000);
      // The signature part carries a marker no other string in the system has, so a substring match is a leak.
      const token = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, n, iat, exp: exp / 1000 })}.fuzzSecret${n}x`;
      all.push(token);
      claims.set(token, { exp, iat, sub });
      return token;
    },
    expOf: (token) => (token === null ? undefined : claims.get(token)?.exp),
    iatOf: (token) => (token === null ? undefined : claims.get(token)?.iat),
    subOf: (token) => (token === null ? undefined : claims.get(token)?.sub),
    leakedIn(text) {
      // Every token shares the same header part: look for the unique signature marker and the payload.
      return all.find((token) => text.includes(token) || text.includes(token.split('.')[2]!));
    },
  };
}
