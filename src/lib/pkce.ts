// PKCE (RFC 7636) for the Google sign-in: the code and state sit in the callback page's URL, so in a static host's log;
// only the tab that holds the verifier can trade them. Synchronous: the popup must open inside the click, and
// crypto.subtle (async, and missing outside a secure context) would come too late.

// SHA-256's round constants and first hash: the fractional bits of the cube and square roots of the first primes.
const isPrime = (n: number) => n > 1 && Array.from({ length: n - 2 }, (_, i) => i + 2).every((d) => n % d !== 0);
const primes = Array.from({ length: 312 }, (_, n) => n).filter(isPrime);
const fraction = (x: number) => ((x - Math.floor(x)) * 2 ** 32) >>> 0;
const roundConstants = Uint32Array.from(primes.slice(0, 64), (p) => fraction(Math.cbrt(p)));
const firstHash = Uint32Array.from(primes.slice(0, 8), (p) => fraction(Math.sqrt(p)));

type Eight = [number, number, number, number, number, number, number, number];
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/**
 * The SHA-256 digest of `data` (FIPS 180-4).
 *
 * @example
 * sha256(new TextEncoder().encode('abc')); // ba7816bf…
 */
export function sha256(data: Uint8Array): Uint8Array {
  const blocks = Math.ceil((data.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(data.length / 2 ** 29));
  view.setUint32(padded.length - 4, (data.length * 8) >>> 0);
  const hash = firstHash.slice();
  const w = new Uint32Array(64);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 64; i++) {
      const [a, b] = [w[i - 15]!, w[i - 2]!];
      w[i] = w[i - 16]! + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[i - 7]! + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10));
    }
    let [a, b, c, d, e, f, g, h] = Array.from(hash) as Eight;
    for (let i = 0; i < 64; i++) {
      const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + roundConstants[i]! + w[i]!;
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
    }
    for (const [i, x] of [a, b, c, d, e, f, g, h].entries()) hash[i] = hash[i]! + x;
  }
  const out = new DataView(new ArrayBuffer(32));
  for (const [i, x] of hash.entries()) out.setUint32(i * 4, x);
  return new Uint8Array(out.buffer);
}

/** Unpadded base64url (RFC 4648 §5), as PKCE writes both the verifier and the challenge. */
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/**
 * A new PKCE `code_verifier`: 32 random bytes in base64url, 43 characters (RFC 7636 §4.1).
 *
 * @example
 * const verifier = createCodeVerifier();
 */
export function createCodeVerifier(): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The S256 `code_challenge` of `verifier`: base64url(SHA-256(verifier)) (RFC 7636 §4.2).
 *
 * @example
 * codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'); // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 */
export function codeChallengeOf(verifier: string): string {
  return base64url(sha256(new TextEncoder().encode(verifier)));
}
