// The messages between the sign-in popup's callback page and the window that opened it; anything else is ignored.

/** `type` of the token message. */
export const tokenMessageType = 'quiet-session/google-sign-in';
/** `type` of the message saying the provider (or the code exchange) refused. */
export const errorMessageType = 'quiet-session/google-sign-in-error';
/** `type` of the opener's receipt, which lets a callback page with no opener close itself. */
export const receiptMessageType = 'quiet-session/google-sign-in-received';

/** What the callback page sends when sign-in worked. */
export interface TokenMessage {
  type: typeof tokenMessageType;
  /** The nonce the opener put in the popup's URL: a message for another sign-in is not ours. */
  state: string;
  token: string;
}

/** What the callback page sends when the provider answered `?error=` or the code could not be exchanged. */
export interface ErrorMessage {
  type: typeof errorMessageType;
  state: string;
  /** An OAuth error code (`access_denied`, `server_error`, …) `exchange_failed`, `server_unreachable`, `provider_unreachable`, `provider_busy`, `server_misconfigured`, `server_timeout`; never free text. */
  error: string;
}

/** An OAuth error code as we pass it on: lower-case words, so no page's own text reaches the user. */
export const errorCodePattern = /^[a-z][a-z0-9_]{0,63}$/;

/** Exactly these fields, `type` and `state` right: a message with more is not the one our callback page sends. */
function isMessage(data: unknown, type: string, state: string, fields: number): data is Record<string, unknown> {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return Object.keys(message).length === fields && message.type === type && message.state === state;
}

/**
 * True when `data` is a token message for the sign-in started with `state`.
 *
 * @example
 * window.addEventListener('message', (e) => { if (isTokenMessage(e.data, state)) resolve(e.data.token); });
 */
export function isTokenMessage(data: unknown, state: string): data is TokenMessage {
  return (
    isMessage(data, tokenMessageType, state, 3) &&
    typeof data.token === 'string' &&
    // A JWT: three base64url parts. Anything else is not a token we asked for.
    /^[\w-]+\.[\w-]+\.[\w-]+$/.test(data.token)
  );
}

/**
 * True when `data` says that the sign-in started with `state` failed, with an error code of the safe shape.
 *
 * @example
 * if (isErrorMessage(event.data, state)) reject(signInErrorFor(event.data.error));
 */
export function isErrorMessage(data: unknown, state: string): data is ErrorMessage {
  return isMessage(data, errorMessageType, state, 3) && typeof data.error === 'string' && errorCodePattern.test(data.error);
}

/**
 * True when `data` is the opener's receipt for the sign-in started with `state`.
 *
 * @example
 * channel.onmessage = (e) => { if (isReceiptMessage(e.data, state)) window.close(); };
 */
export function isReceiptMessage(data: unknown, state: string): boolean {
  return isMessage(data, receiptMessageType, state, 2);
}

/**
 * The BroadcastChannel of one sign-in: the app's namespace (tab sync's name) and the state nonce, so that only
 * the window waiting for this sign-in listens, not every tab of the app.
 *
 * @example
 * new BroadcastChannel(signInChannelName(state)); // 'quiet-session:sign-in:3f2c…'
 */
export function signInChannelName(state: string, namespace = 'quiet-session'): string {
  return `${namespace}:sign-in:${state}`;
}

/**
 * A fresh, unguessable state nonce for one popup.
 *
 * @example
 * const state = createSignInState();
 */
export function createSignInState(): string {
  // 128 random bits in hex. Not crypto.randomUUID: outside a secure context (plain http on a LAN address) it is missing.
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
