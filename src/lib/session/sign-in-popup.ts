import { PopupBlockedError, PopupClosedError, PopupTimeoutError } from './errors.ts';
import { isTokenMessage } from './popup-message.ts';

/** The parts of `window` the popup needs; tests pass a double. */
export interface PopupHost {
  open(url: string, target: string, features: string): Pick<Window, 'closed' | 'close'> | null;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  location: { origin: string };
}

/** Options of one sign-in popup. */
export interface SignInPopupOptions {
  /** The first page of the popup, carrying `state`. */
  url: string;
  /** The nonce the token message must carry. */
  state: string;
  signal?: AbortSignal;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  /** How often to look whether the popup was closed (default 300 ms). */
  closedCheckMs?: number;
  /** Default: the page's `window`. */
  host?: PopupHost;
}

/**
 * Opens the sign-in popup and resolves with the token its callback page posts
 * back. Rejects with PopupBlockedError (no window), PopupClosedError (closed
 * without a token), PopupTimeoutError, or the signal's reason. Only a message
 * from our own origin, from this very popup, of the right shape and state
 * counts; anything else is ignored.
 *
 * @example
 * button.onclick = () => openSignInPopup({ url: `/auth/google/consent?state=${state}`, state }).then(adopt);
 */
export function openSignInPopup(options: SignInPopupOptions): Promise<string> {
  const host = options.host ?? (globalThis as unknown as PopupHost);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  // Now, not after an await: the browser allows a popup only during the user's click.
  const popup = host.open(options.url, 'quiet-session-sign-in', 'popup,width=480,height=640');
  if (!popup) return Promise.reject(new PopupBlockedError());

  return new Promise<string>((resolve, reject) => {
    let closedSeen = false;
    const settle = (outcome: () => void) => {
      clearInterval(closedCheck);
      clearTimeout(timeout);
      host.removeEventListener('message', onMessage);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== host.location.origin || event.source !== popup || !isTokenMessage(event.data, options.state)) return;
      const { token } = event.data;
      settle(() => resolve(token));
    };
    const closedCheck = setInterval(() => {
      if (!popup.closed) return;
      // The callback page posts, then closes itself: give a message already on its way one more check to land.
      if (closedSeen) settle(() => reject(new PopupClosedError()));
      closedSeen = true;
    }, options.closedCheckMs ?? 300);
    const timeout = setTimeout(() => {
      popup.close();
      settle(() => reject(new PopupTimeoutError(timeoutMs)));
    }, timeoutMs);
    const onAbort = () => {
      popup.close();
      settle(() => reject(signal?.reason));
    };
    host.addEventListener('message', onMessage);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
