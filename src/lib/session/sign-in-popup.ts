import { DEV } from './dev.ts';
import { PopupBlockedError, ReauthError } from './errors.ts';
import { assertMs } from './option-checks.ts';
import type { SignInStorage } from './sign-in-record.ts';
import { waitForSignIn, type Popup } from './sign-in-wait.ts';

/** The part of a `BroadcastChannel` the handshake uses; tests pass a double. */
export interface SignInChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** The parts of `window` the popup needs; tests pass a double. */
export interface PopupHost {
  open(url: string, target: string, features: string): Pick<Window, 'closed' | 'close'> | null;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  location: { origin: string };
  /**
   * The channel the callback page answers on when the popup has lost its opener (a provider's COOP cuts it).
   * A host without it has only the `window.opener` path.
   */
  BroadcastChannel?: new (
    name: string,
  ) => SignInChannel;
  /** Where a pending sign-in is kept so that `resumeSignIn` finds it after a reload. A host without it keeps none. */
  sessionStorage?: SignInStorage;
  /** Where the origin's callback pages learn that a sign-in is over here. A host without it tells them nothing. */
  localStorage?: SignInStorage;
}

/** What the page may offer while the popup reads closed and no answer has come. */
export interface PopupClosedHint {
  /**
   * Closes what it can of the current popup and opens a new one in the same sign-in (same state, same promise;
   * `timeoutMs` starts again, and so does the session's `limits.reauthTimeoutMs` when `signal` is the one its
   * `reauthenticate` was given). Call it inside a click. If the browser blocks it, the sign-in rejects with
   * PopupBlockedError; if `window.open` throws, with what it threw. It never throws itself.
   */
  reopen(): void;
}

/** Options of one sign-in popup. */
export interface SignInPopupOptions {
  /** The first page of the popup, carrying `state`. */
  url: string;
  /** The nonce the callback page's message must carry. */
  state: string;
  signal?: AbortSignal;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  /** How often to look whether the popup reads closed (default 300 ms). */
  closedCheckMs?: number;
  /** The app's name for its channels and its sessionStorage record, as tab sync's `name` (default 'quiet-session'). */
  namespace?: string;
  /**
   * Called with a hint once the popup reads closed before any answer came, and with null once that is over
   * (reopened, or settled). Only a hint: behind a provider's COOP an open popup reads closed too.
   */
  onClosedHint?: (hint: PopupClosedHint | null) => void;
  /**
   * Asked once beside the popup whether its first page's server answers, e.g. `(signal) => fetch(healthUrl, {
   * signal })` (a CORS GET; `no-cors` is refused by `Cross-Origin-Resource-Policy`): fetch's network TypeError from it
   * (or an error whose `cause` is a TypeError) fails the sign-in at once as `server_unreachable` (a session then waits
   * offline), where the popup would show the browser's error page until `timeoutMs`; any other failure of the check is
   * ignored.
   */
  checkServer?: (signal: AbortSignal) => Promise<unknown>;
  /** Default: the page's `window`. */
  host?: PopupHost;
}

/**
 * Opens the sign-in popup and resolves with the token its callback page sends
 * back, over the sign-in's BroadcastChannel or, when the popup still has its
 * opener, by `postMessage`. Takes the first message of the right shape and
 * state and nothing after it. Rejects with PopupCancelledError (the user
 * cancelled at Google), a ReauthError naming the provider's error (or that
 * there is no `window.open`), PopupBlockedError, what `window.open` threw,
 * PopupTimeoutError, or the signal's reason; it never throws. A popup that
 * reads closed is not a cancel: the wait goes on, and `onClosedHint` says so.
 * While it waits, the host's sessionStorage keeps the sign-in's state and
 * deadline (never a token), so that `resumeSignIn` takes it up after a reload.
 *
 * @example
 * button.onclick = () => {
 *   const state = createSignInState(); // one per sign-in
 *   openSignInPopup({ url: `/auth/google/login?state=${state}`, state, onClosedHint: showHint }).then(adopt);
 * };
 */
export function openSignInPopup(options: SignInPopupOptions): Promise<string> {
  // A wiring mistake (Infinity for no limit: the timer would fire at once), caught in development like createAuthFetch's.
  // Stryker disable next-line ConditionalExpression: DEV is true under test, and a production build drops the check
  if (DEV) for (const name of ['timeoutMs', 'closedCheckMs'] as const) assertMs('openSignInPopup', options, name, 1);
  // Left out (plain JS): no answer could match it, and the popup would wait out its time limit before saying anything.
  // Stryker disable next-line ConditionalExpression: DEV is true under test, and a production build drops the check
  if (DEV && !(typeof options.state === 'string' && options.state))
    throw new TypeError('openSignInPopup: options.state must be the non-empty state nonce its url carries (createSignInState()).');
  const host = options.host ?? (globalThis as unknown as PopupHost);
  if (options.signal?.aborted) return Promise.reject(options.signal.reason);
  // A worker, a server render, Node: a rejection like every other way it fails, so the banner can say why.
  if (typeof host.open !== 'function')
    return Promise.reject(
      new ReauthError('This page cannot open the sign-in window (it has no window.open). Open the app in a browser tab to sign in.'),
    );
  const open = () => host.open(options.url, 'quiet-session-sign-in', 'popup,width=480,height=640');
  let first: Popup | null;
  try {
    // Now, not after an await: the browser allows a popup only during the user's click.
    first = open();
  } catch (error) {
    // A sandboxed frame's SecurityError: a rejection, as the JSDoc promises, not a throw into the click handler.
    return Promise.reject(error);
  }
  if (!first) return Promise.reject(new PopupBlockedError());
  return waitForSignIn(options, host, first, open);
}
