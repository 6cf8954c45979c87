// HS256 JWTs on WebCrypto (browser and Node alike), verified statelessly: each page runs its own copy of the handlers.

/** The claims our mock backend puts in a token. Times are seconds since the epoch (fractions allowed, RFC 7519). */
export interface JwtClaims {
  sub: string;
  iat: number;
  exp: number;
  [claim: string]: unknown;
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(
    text
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(text.length / 4) * 4, '='),
  );
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function hmacKey(secret: string): Promise<CryptoKey> {
  // Read at call time: msw's Node interceptors and happy-dom both leave WebCrypto alone.
  return globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/**
 * Signs `claims` as a compact HS256 JWT.
 *
 * @example
 * const token = await signJwt({ sub: 'ada', iat: now, exp: now + 60 }, 'secret');
 */
export async function signJwt(claims: JwtClaims, secret: string): Promise<string> {
  const header = base64url(encoder.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
  const payload = base64url(encoder.encode(JSON.stringify(claims)));
  const signature = await globalThis.crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`${header}.${payload}`));
  return `${header}.${payload}.${base64url(new Uint8Array(signature))}`;
}

/**
 * The token's claims when its HS256 signature is good and it has not expired
 * at `nowMs`; null for anything else (garbage, another key, `alg` games, expired).
 *
 * @example
 * const claims = await verifyJwt(token, 'secret', Date.now()); // null once exp has passed
 */
export async function verifyJwt(token: string, secret: string, nowMs: number): Promise<JwtClaims | null> {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const { alg } = JSON.parse(new TextDecoder().decode(fromBase64url(header))) as { alg?: unknown };
    if (alg !== 'HS256') return null;
    const ok = await globalThis.crypto.subtle.verify(
      'HMAC',
      await hmacKey(secret),
      fromBase64url(signature),
      encoder.encode(`${header}.${payload}`),
    );
    if (!ok) return null;
    const claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as Partial<JwtClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return null;
    return claims.exp * 1000 > nowMs ? (claims as JwtClaims) : null;
  } catch {
    // Malformed base64 or JSON: an unknown token, answered like any other.
    return null;
  }
}
