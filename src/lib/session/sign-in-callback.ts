import {
  errorCodePattern,
  errorMessageType,
  isReceiptMessage,
  signInChannelName,
  tokenMessageType,
  type ErrorMessage,
  type TokenMessage,
} from './popup-message.ts';
import type { SignInChannel } from './sign-in-popup.ts';

/** What the callback page needs; tests pass doubles for the channel. */
export interface GoogleCallbackArgs {
  /** This page's URL: `?code=&state=`, or `?error=&state=` when the user cancelled or Google refused. */
  url: URL;
  /** `window.opener`: null when a provider's COOP has cut the popup off from the app. */
  opener: Pick<Window, 'postMessage'> | null;
  /** Trades Google's code for the backend's token. */
  exchange: (code: string, state: string) => Promise<string>;
  /** The app's name for its channels, as tab sync's `name` (default 'quiet-session'). */
  namespace?: string;
  /** Default `globalThis.BroadcastChannel`. */
  BroadcastChannel?: new (
    name: string,
  ) => SignInChannel;
  /** With no opener: how long to wait for the app's receipt before saying it is gone (default 5 s). */
  receiptTimeoutMs?: number;
}

/**
 * The popup's last page, at the app's origin: Google (or the mock consent
 * page) sent it here. It trades the code for the backend's token, or takes
 * the provider's `error`, and tells the window waiting for this sign-in, over
 * the sign-in's BroadcastChannel and, when the popup still has its opener, by
 * `postMessage` to our own origin. Resolves once told (with no opener, once
 * that window sent its receipt): the page then closes itself. Rejects with a
 * sentence for this page when nobody could be told.
 *
 * @example
 * await completeGoogleSignIn({ url: new URL(location.href), opener: window.opener, exchange: exchangeGoogleCode });
 * window.close();
 */
export async function completeGoogleSignIn(args: GoogleCallbackArgs): Promise<void> {
  const { url, opener } = args;
  const state = url.searchParams.get('state');
  const code = url.searchParams.get('code');
  const error = url.searchParams.get('error');
  if (!state || !(code || error)) throw new Error('This page expects a Google sign-in code. Close this window and try again.');
  const failure = (reason: string): ErrorMessage => ({ type: errorMessageType, state, error: reason });
  const message: TokenMessage | ErrorMessage = error
    ? // Only a code of the safe shape goes on: the provider's page chose these words, not us.
      failure(errorCodePattern.test(error) ? error : 'unknown_error')
    : await args.exchange(code!, state).then(
        (token) => ({ type: tokenMessageType, state, token }),
        () => failure('exchange_failed'),
      );

  const Channel = args.BroadcastChannel ?? globalThis.BroadcastChannel;
  const channel = Channel ? new Channel(signInChannelName(state, args.namespace)) : null;
  try {
    // Our own origin only: by now the opener may be any window, and the token is for ours.
    opener?.postMessage(message, url.origin);
    if (!channel) {
      if (!opener) throw new Error(gone);
      return;
    }
    // Without an opener, only the app's receipt says that anyone got it.
    const received = opener ? undefined : receipt(channel, state, args.receiptTimeoutMs ?? 5_000);
    channel.postMessage(message);
    await received;
  } finally {
    channel?.close();
  }
}

const gone = 'The studio window that asked for this sign-in did not answer. Close this window and sign in from the studio.';

/** Resolves on the opener's receipt for `state`; rejects after `ms` (the window that asked is gone). */
function receipt(channel: SignInChannel, state: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      channel.removeEventListener('message', onMessage);
    };
    const onMessage = (event: MessageEvent) => {
      if (isReceiptMessage(event.data, state)) resolve(stop());
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(gone));
    }, ms);
    channel.addEventListener('message', onMessage);
  });
}
