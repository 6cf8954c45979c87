/**
 * The one message the sign-in popup sends to its opener. Everything else that
 * arrives by `postMessage` is ignored.
 */

/** `type` of the token message. */
export const tokenMessageType = 'quiet-session/google-sign-in';

/** What the callback page posts to `window.opener`. */
export interface TokenMessage {
  type: typeof tokenMessageType;
  /** The nonce the opener put in the popup's URL: a message for another sign-in is not ours. */
  state: string;
  token: string;
}

/**
 * True when `data` is a token message for the sign-in started with `state`.
 *
 * @example
 * window.addEventListener('message', (e) => { if (isTokenMessage(e.data, state)) resolve(e.data.token); });
 */
export function isTokenMessage(data: unknown, state: string): data is TokenMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return (
    // Exactly the three fields: a message with more is not the one our callback page sends.
    Object.keys(message).length === 3 &&
    message.type === tokenMessageType &&
    message.state === state &&
    typeof message.token === 'string' &&
    // A JWT: three base64url parts. Anything else is not a token we asked for.
    /^[\w-]+\.[\w-]+\.[\w-]+$/.test(message.token)
  );
}

/**
 * A fresh, unguessable state nonce for one popup.
 *
 * @example
 * const state = createSignInState();
 */
export function createSignInState(): string {
  return globalThis.crypto.randomUUID();
}
