import { HttpResponse } from 'msw';
import { codeChallengeOf } from '../lib/pkce.ts';
import { signJwt, verifyJwt, type JwtClaims } from './jwt.ts';
import type { MockStore } from './mock-store.ts';
import { mockAccount, mockAccounts, type MockAccount } from './mock-data.ts';

/** The key of the mock backend. Not a secret: the mock exists only in dev, tests and the demo build. */
export const mockSigningKey = 'quiet-session-mock-backend-hs256';

/** Who issues access tokens, the same on FastAPI (backend/app/tokens.py): a token of another issuer is refused. */
export const accessTokenIssuer = 'quiet-session';
/** Whom access tokens are for, the same on FastAPI: a token meant for another API is refused. */
export const accessTokenAudience = 'quiet-session-api';

/** The claims of a mock access token. */
export interface AccessClaims extends JwtClaims {
  typ: 'access';
  iss: typeof accessTokenIssuer;
  aud: typeof accessTokenAudience;
  email: string;
  name: string;
  role: string;
}

/**
 * Issues and checks the mock backend's tokens. Stateless but for the store:
 * a token is good when its signature and `exp` are, and it was issued after
 * the last "Expire session".
 *
 * @example
 * const auth = createMockAuth(store);
 * const { access_token } = await auth.issueAccessToken();
 * const claims = await auth.authenticate(request); // null → answer auth.unauthorized(request)
 */
export function createMockAuth(store: MockStore, now: () => number = Date.now) {
  return {
    /**
     * A Google authorization code for `account`, bound to the sign-in's `state`
     * and its S256 PKCE `codeChallenge` (null: none): a short-lived signed token
     * of its own kind, good for one exchange.
     */
    async issueGoogleCode(account: MockAccount, state: string, codeChallenge: string | null): Promise<string> {
      const iat = now() / 1000;
      const jti = globalThis.crypto.randomUUID();
      return signJwt({ sub: account.email, typ: 'google-code', state, codeChallenge, jti, iat, exp: iat + 120 }, mockSigningKey);
    },
    /**
     * The account a fresh `code` from `issueGoogleCode` was issued for, when
     * `state` is the one it was issued with, `codeVerifier` answers its challenge
     * (if it has one) and it was not used before; else null. A wrong verifier does not use it up,
     * as FastAPI refuses it before asking Google.
     */
    async accountOfGoogleCode(code: string, state: string, codeVerifier: string | undefined): Promise<MockAccount | null> {
      const claims = await verifyJwt(code, mockSigningKey, now());
      if (claims?.typ !== 'google-code' || claims.state !== state || typeof claims.jti !== 'string') return null;
      if (claims.codeChallenge != null && (codeVerifier === undefined || claims.codeChallenge !== codeChallengeOf(codeVerifier)))
        return null;
      if (!store.claimOnce(claims.jti, claims.exp * 1000, now())) return null;
      return mockAccounts.find((account) => account.email === claims.sub) ?? null;
    },
    /** What FastAPI's Google callback answers: an access token for `account` that lives `store.tokenLifetimeSec()`. */
    async issueAccessToken(account: MockAccount = mockAccount) {
      const iat = now() / 1000;
      const expiresIn = store.tokenLifetimeSec();
      const claims: AccessClaims = {
        sub: account.id,
        typ: 'access',
        iss: accessTokenIssuer,
        aud: accessTokenAudience,
        email: account.email,
        name: account.name,
        role: account.role,
        iat,
        exp: iat + expiresIn,
      };
      return { access_token: await signJwt(claims, mockSigningKey), token_type: 'bearer', expires_in: expiresIn };
    },
    /** The bearer token's claims, or null when it is missing, forged, expired or revoked. */
    async authenticate(request: Request): Promise<AccessClaims | null> {
      const token = bearerToken(request);
      if (token === null) return null;
      const claims = await verifyJwt(token, mockSigningKey, now());
      if (claims?.typ !== 'access' || claims.iss !== accessTokenIssuer || !isForUs(claims.aud)) return null;
      if (Math.round(claims.iat * 1000) <= store.revokedBefore()) return null;
      return claims as AccessClaims;
    },
    /**
     * FastAPI's 401 (backend/app/tokens.py), per RFC 6750 §3.1: a request
     * without a bearer token gets a bare `Bearer` challenge, one with a token
     * that does not work gets `Bearer error="invalid_token"`.
     */
    unauthorized(request: Request): Response {
      const carried = bearerToken(request) !== null;
      return HttpResponse.json(
        { detail: carried ? 'Could not validate credentials' : 'Not authenticated' },
        { status: 401, headers: { 'WWW-Authenticate': carried ? 'Bearer error="invalid_token"' : 'Bearer' } },
      );
    },
  };
}

/** Whether a token's `aud` names this API: one audience, or a list of them (RFC 7519 §4.1.3), as PyJWT reads it. */
function isForUs(aud: unknown): boolean {
  return aud === accessTokenAudience || (Array.isArray(aud) && aud.includes(accessTokenAudience));
}

/** The bearer token of `request`, read as FastAPI's `HTTPBearer` reads it (scheme in any case); null when none. */
function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization') ?? '';
  const space = header.indexOf(' ');
  if (space <= 0 || header.slice(0, space).toLowerCase() !== 'bearer') return null;
  return header.slice(space + 1) || null;
}

/** The mock backend's token authority. */
export type MockAuth = ReturnType<typeof createMockAuth>;
