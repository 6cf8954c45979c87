/** @vitest-environment node */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeChallengeOf, createCodeVerifier, sha256 } from '../../../src/lib/pkce.ts';

describe('PKCE for the Google sign-in', () => {
  it('hashes as SHA-256 does, across block boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const data = globalThis.crypto.getRandomValues(new Uint8Array(length));
      expect(Buffer.from(sha256(data)).toString('hex'), `${length} bytes`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it("gives RFC 7636's S256 challenge for its example verifier", () => {
    expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a new verifier of 43 unreserved characters each time', () => {
    const verifiers = new Set(Array.from({ length: 20 }, createCodeVerifier));
    expect(verifiers.size).toBe(20);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
