import type { TokenClaims } from './session/index.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A claim as atob read it, a character a byte, decoded as UTF-8 ("JosÃ©" is "José"); one that is none (escaped in the JSON) as it is. */
function decoded(text: string): string {
  if ([...text].some((char) => char.charCodeAt(0) > 0xff)) return text;
  try {
    return utf8.decode(Uint8Array.from(text, (char) => char.charCodeAt(0)));
  } catch {
    return text;
  }
}

/**
 * Who a token says it speaks for, in words: its `name` claim, else its `email`; null when it says neither (the
 * backend's own token may carry no profile). Unchecked, as every claim read here: for showing, never for deciding.
 *
 * @example
 * nameInToken(readTokenClaims(token)); // 'Ada Lovelace'
 */
export function nameInToken(claims: TokenClaims & { name?: unknown; email?: unknown }): string | null {
  for (const said of [claims.name, claims.email]) {
    // Decoded before the trim: a letter's last byte may read as a no-break space (à is C3 A0).
    const words = typeof said === 'string' ? decoded(said).trim() : '';
    // Only zero-width or control characters read as an empty slot: none.
    if (/[^\p{White_Space}\p{C}]/u.test(words)) return words;
  }
  return null;
}
