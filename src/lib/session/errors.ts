import { DEV } from './dev.ts';
import { urlSummary } from './url-summary.ts';

// Errors a caller can meet, each named after what the user hit; none carries a token. Test them with instanceof.

/**
 * Base class of every Quiet Session error.
 *
 * @example
 * try { await authFetch('/api/credits'); } catch (e) { if (e instanceof QuietSessionError) showNotice(e.message); }
 */
export class QuietSessionError extends Error {
  // Literal names, not `new.target.name`: a minifier renames classes, and callers match on `name`.
  override name = 'QuietSessionError';
}

/** Why the session did not send a request. */
export type NotSentReason = 'stopped' | 'signed-out' | 'other-account' | 'sign-in-given-up';

const notSentMessages: Record<NotSentReason, string> = {
  stopped: 'The session was stopped — this request was not sent.',
  'signed-out': 'You signed out — this request was not sent.',
  'other-account': 'Signed in as another account — this request was not sent. Try again.',
  'sign-in-given-up': "Signing in didn't finish, so this request was not sent. Reconnect, then try again.",
};

/**
 * The session ended before a request could be sent (again) with a valid token: `reason` says how.
 * The client was stopped, the user signed out, another account signed in, or re-authentication was
 * given up. The request was never sent (again); its message says so in plain words.
 *
 * @example
 * client.stop(); // every held call rejects: err instanceof AuthExpiredError && err.reason === 'stopped'
 */
export class AuthExpiredError extends QuietSessionError {
  override name = 'AuthExpiredError';
  readonly reason: NotSentReason;
  constructor(reason: NotSentReason, options?: { cause?: unknown }) {
    super(notSentMessages[reason], options);
    this.reason = reason;
  }
}

/**
 * A request must be replayed (its first send got 401) but its body was a
 * stream that has already been consumed. Nothing was re-sent; retry with a
 * string, Blob, ArrayBuffer, FormData or URLSearchParams body.
 *
 * @example
 * await authFetch(url, { method: 'POST', body: stream, duplex: 'half' }); // may reject with BodyNotReplayableError after a 401
 */
export class BodyNotReplayableError extends QuietSessionError {
  override name = 'BodyNotReplayableError';
  readonly request: Request;
  constructor(request: Request) {
    // A developer's mistake (a stream body): production keeps the request and drops the advice.
    super(
      `${request.method} ${urlSummary(request.url)}: ` +
        (DEV
          ? 'got 401 and cannot be replayed: its body was a ReadableStream, which can be read only once. Send a string, Blob, ArrayBuffer, FormData or URLSearchParams body instead.'
          : 'a ReadableStream body cannot be replayed.'),
    );
    this.request = request;
  }
}

/**
 * A call made with `replay: false` was answered 401: it was not sent again. Nothing else was sent;
 * once the session is back (the banner's Reconnect), the app may send it again if the user wants.
 *
 * @example
 * try { await authFetch('/api/pay', { method: 'POST', body, replay: false }); } catch (e) { if (e instanceof NotReplayedError) askToRetry(); }
 */
export class NotReplayedError extends QuietSessionError {
  override name = 'NotReplayedError';
  /** The 401 it got. */
  readonly response: Response;
  constructor(method: string, url: string, response: Response) {
    super(`${method} ${urlSummary(url)} was refused (401) and not sent again: nothing was done. Reconnect if asked, then try again.`);
    this.response = response;
  }
}

/**
 * Base class of the ways interactive re-authentication fails. The session
 * goes back to `needsReauth` with every held request kept, until
 * `limits.reauthAttempts` have failed in a row (a sign-in whose token the backend refuses at once
 * counts too; one Google or the server said to try later does not): then they are given up
 * (AuthExpiredError, `sign-in-given-up`) and Reconnect waits out a cooldown.
 * Offline, it waits for the backend instead; from the notice, the notice stays.
 *
 * @example
 * if (snapshot.context.lastReauthError?.name === 'PopupBlockedError') showHint();
 */
export class ReauthError extends QuietSessionError {
  override name = 'ReauthError';
  /** The callback page's error code (`provider_busy`, `server_timeout`, …), when the sign-in failed with one. */
  readonly code: string | undefined;
  constructor(message?: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.code = options?.code;
  }
}

/**
 * The browser blocked the sign-in popup. Allow popups for this site, then press Reconnect again.
 *
 * @example
 * throw new PopupBlockedError();
 */
export class PopupBlockedError extends ReauthError {
  override name = 'PopupBlockedError';
  constructor(options?: { cause?: unknown }) {
    super('The sign-in window was blocked by the browser. Allow pop-ups for this site, then press Reconnect again.', options);
  }
}

/**
 * The sign-in popup was closed before it handed back a token. `openSignInPopup`
 * no longer throws it: behind a provider's `Cross-Origin-Opener-Policy` an open
 * popup reads `closed` too, so a closed reading is only a hint (see its
 * `onClosedHint`). Kept for `reauthenticate` functions of your own that know the
 * window is gone.
 *
 * @example
 * throw new PopupClosedError();
 */
export class PopupClosedError extends ReauthError {
  override name = 'PopupClosedError';
  constructor(options?: { cause?: unknown }) {
    super('The sign-in window was closed before you signed in. Press Reconnect to try again.', options);
  }
}

/**
 * The sign-in popup did not hand back a token in time.
 *
 * @example
 * throw new PopupTimeoutError(120_000);
 */
export class PopupTimeoutError extends ReauthError {
  override name = 'PopupTimeoutError';
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(`Signing in took longer than ${Math.round(timeoutMs / 1000)} s and was stopped. Press Reconnect to try again.`, options);
  }
}

/**
 * The user cancelled on the provider's page (Google answered `access_denied`).
 * Held requests stay held for the next Reconnect; it counts, like any failed
 * sign-in, towards `limits.reauthAttempts`.
 *
 * @example
 * if (snapshot.context.lastReauthError?.name === 'PopupCancelledError') focusReconnect();
 */
export class PopupCancelledError extends ReauthError {
  override name = 'PopupCancelledError';
  constructor(options?: { cause?: unknown }) {
    super('Signing in with Google was cancelled. Press Reconnect when you are ready.', options);
  }
}
