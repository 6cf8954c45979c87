import { PopupCancelledError, ReauthError } from './errors.ts';

const later = 'Wait a moment, then press Reconnect.';
// The site's setup: only its team can fix it, and every Reconnect would meet the same.
const never = "Trying again will not help: please tell the studio's team.";

/** Plain words for the codes people meet, and what to do if not press Reconnect; a Map, so that a code like `constructor` finds nothing inherited. */
const meanings = new Map<string, [string, string?]>([
  ['server_error', ['Google had a problem on its side']],
  ['temporarily_unavailable', ['Google is busy right now', later]],
  ['provider_busy', ['Google is busy right now', later]],
  ['invalid_request', ['Google did not accept the sign-in request']],
  ['invalid_scope', ['Google did not accept the permissions asked for']],
  ['unauthorized_client', ['Google does not let this app sign in', never]],
  ['server_misconfigured', ["it is not set up right on the studio's server", never]],
  ['exchange_failed', ['the server could not finish it']],
  ['server_unreachable', ["the studio's server could not be reached"]],
  ['provider_unreachable', ['Google could not be reached']],
  ['server_timeout', ["the studio's server did not answer in time"]],
]);

/**
 * The typed error for an error code the callback page reported (already of
 * the safe shape, `errorCodePattern`): `access_denied` is the user's cancel,
 * anything else a ReauthError that names the code in plain words and what to do, with `cause`:
 * a TypeError when the server could not be reached (the check's own, or one that says so).
 *
 * @example
 * signInErrorFor('access_denied'); // PopupCancelledError
 * signInErrorFor('server_error').message; // 'Signing in with Google did not finish: Google had a problem on its side (server_error). …'
 */
export function signInErrorFor(
  code: string,
  // The backend out of reach, as the callback page saw it too: fetch's kind of error, so that the session waits for it.
  cause: unknown = code === 'server_unreachable' ? new TypeError(code) : undefined,
): ReauthError {
  if (code === 'access_denied') return new PopupCancelledError();
  const [words, todo = 'Press Reconnect to try again.'] = meanings.get(code) ?? ['Google answered with an error'];
  return new ReauthError(`Signing in with Google did not finish: ${words} (${code}). ${todo}`, { cause, code });
}
