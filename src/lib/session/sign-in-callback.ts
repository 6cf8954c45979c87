import { DEV } from './dev.ts';
import { assertMs } from './option-checks.ts';
import { exchangeCode } from './code-exchange.ts';
import { errorCodePattern, errorMessageType, signInChannelName, type ErrorMessage, type TokenMessage } from './popup-message.ts';
import type { SignInChannel } from './sign-in-popup.ts';
import { noAnswerFromStudio, sayUntilReceipt } from './sign-in-receipt.ts';
import type { SignInStorage } from './sign-in-record.ts';
import { isSignInOver } from './sign-ins-over.ts';

/** What the callback page needs; tests pass doubles for the channel. */
export interface GoogleCallbackArgs {
  /** This page's URL: `?code=&state=`, or `?error=&state=` when the user cancelled or Google refused. */
  url: URL;
  /** `window.opener`: null when a provider's COOP has cut the popup off from the app. */
  opener: Pick<Window, 'postMessage'> | null;
  /**
   * Trades Google's code for the backend's token, a JWT: anything else reaches the app as `exchange_failed`, as
   * `server_unreachable` when it rejects with fetch's TypeError ("Failed to fetch", …) or an error whose `cause` is a
   * TypeError (say so for a gateway's own 502: a TypeError in other words is the exchange's bug, `exchange_failed`),
   * as `provider_unreachable` with an error whose `status` is 502 (the backend could not reach Google; `provider_busy`
   * or `server_misconfigured` when its `code` says so: Google limits our rate, or refused our OAuth client), or as
   * `server_timeout` when it has not settled within `exchangeTimeoutMs`: `signal` then aborts, so that the request is cancelled.
   */
  exchange: (code: string, state: string, args: { signal: AbortSignal }) => Promise<string>;
  /**
   * How long the exchange may take before it is given up (default 30 s): under COOP the app cannot close this
   * window, so a backend that never answers would leave it saying "Signing you in…" for good. Keep it under the
   * app's popup timeout (openSignInPopup's `timeoutMs`, 2 minutes unless set), so that the app still hears why.
   */
  exchangeTimeoutMs?: number;
  /** The app's name for its channels, as tab sync's `name` (default 'quiet-session'). */
  namespace?: string;
  /** Default `globalThis.BroadcastChannel`. */
  BroadcastChannel?: new (
    name: string,
  ) => SignInChannel;
  /** Where the studio keeps the sign-ins it is done with, as its popup's host does (default `globalThis.localStorage`). */
  localStorage?: SignInStorage;
  /** How long to wait for the app's receipt before saying it is gone (default 5 s). */
  receiptTimeoutMs?: number;
  /**
   * Called, with what the promise would have resolved with, when the app's receipt comes after that wait, once the
   * promise has rejected. A frozen background tab (Android opens the popup as a tab) takes the answer only when it
   * thaws: the page may then say how it ended and close. Until then (ten minutes at most) the answer is said again,
   * for an app tab slower to reload than the wait. Without it the channel closes when the wait ends.
   */
  onLateReceipt?: (refused: string | null) => void;
}

/**
 * The popup's last page, at the app's origin: Google (or the mock consent
 * page) sent it here. It trades the code for the backend's token, or takes
 * the provider's `error`, and tells the window waiting for this sign-in, over
 * the sign-in's BroadcastChannel and, when the popup still has its opener, by
 * `postMessage` to our own origin. Resolves once that window sent its receipt
 * (where there is no channel, once the opener was told): the page then closes
 * itself. It resolves with the error code that window was told (`access_denied`:
 * the user cancelled), or null when it was told the token, so that a window the
 * browser keeps open does not say "done" for a sign-in that failed. Rejects
 * with a sentence for this page when nobody could be told, at once (and
 * with no code traded) when the studio is done with this sign-in already.
 *
 * @example
 * await completeGoogleSignIn({ url: new URL(location.href), opener: window.opener, exchange: exchangeGoogleCode });
 * window.close();
 */
export async function completeGoogleSignIn(args: GoogleCallbackArgs): Promise<string | null> {
  // A wiring mistake (Infinity for "wait for the app": the timer would fire at once), caught in development.
  // Stryker disable next-line ConditionalExpression: DEV is true under test, and a production build drops the check
  if (DEV) {
    assertMs('completeGoogleSignIn', args, 'receiptTimeoutMs', 0);
    assertMs('completeGoogleSignIn', args, 'exchangeTimeoutMs', 1);
  }
  const { url, opener } = args;
  const state = url.searchParams.get('state');
  const code = url.searchParams.get('code');
  const error = url.searchParams.get('error');
  if (!state || !(code || error)) throw new Error('This page expects a Google sign-in code. Close this window and try again.');
  const failure = (reason: string): ErrorMessage => ({ type: errorMessageType, state, error: reason });
  // The studio gave it up (timed out, signed out) or took another window's answer: no receipt would come.
  const over = () =>
    isSignInOver(() => args.localStorage ?? (globalThis as { localStorage?: SignInStorage }).localStorage, args.namespace, state);
  if (over()) throw new Error(studioStoppedWaiting);
  const message: TokenMessage | ErrorMessage = error
    ? // Only a code of the safe shape goes on: the provider's page chose these words, not us.
      failure(errorCodePattern.test(error) ? error : 'unknown_error')
    : await exchangeCode(args, code!, state, failure);

  if (over()) throw new Error(studioStoppedWaiting);
  const refused = message.type === errorMessageType ? message.error : null;
  const Channel = args.BroadcastChannel ?? globalThis.BroadcastChannel;
  const channel = Channel ? new Channel(signInChannelName(state, args.namespace)) : null;
  /** The wait for the app's receipt, which closes the channel once over (late, when the app answers late). */
  let received: Promise<void> | undefined;
  try {
    // Our own origin only: by now the opener may be any window, and the token is for ours.
    opener?.postMessage(message, url.origin);
    if (!channel) {
      if (!opener) throw new Error(noAnswerFromStudio);
      return refused;
    }
    // Only the app's receipt says that anyone got it: an opener reloading in this moment did not.
    const late = args.onLateReceipt;
    received = sayUntilReceipt(channel, state, args.receiptTimeoutMs ?? 5_000, late && (() => late(refused)), message);
  } finally {
    if (!received) channel?.close();
  }
  await received;
  return refused;
}

const studioStoppedWaiting =
  'The studio stopped waiting for this sign-in. Close this window, and sign in from the studio if it still asks you to.';
