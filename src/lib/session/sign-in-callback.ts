import { tokenMessageType, type TokenMessage } from './popup-message.ts';

/**
 * The popup's last page: Google (or the mock consent page) sent it here with
 * `?code=&state=`. It trades the code for the backend's token and hands the
 * token to the window that opened it, addressed to our own origin only.
 * Resolves once posted; the page then closes itself.
 *
 * @example
 * await completeGoogleSignIn({ url: new URL(location.href), opener: window.opener, exchange: exchangeGoogleCode });
 * window.close();
 */
export async function completeGoogleSignIn(args: {
  url: URL;
  opener: Pick<Window, 'postMessage'> | null;
  exchange: (code: string, state: string) => Promise<string>;
}): Promise<void> {
  const { url, opener } = args;
  const error = url.searchParams.get('error');
  if (error) throw new Error(`Google sign-in did not finish (${error}). Close this window and try again.`);
  const code = url.searchParams.get('code');
  const state = url.searchParams.get('state');
  if (!code || !state) throw new Error('This page expects a Google sign-in code. Close this window and try again.');
  if (!opener) throw new Error('The studio window that asked for this sign-in is gone. Close this window and sign in from the studio.');
  const message: TokenMessage = { type: tokenMessageType, state, token: await args.exchange(code, state) };
  opener.postMessage(message, url.origin);
}
