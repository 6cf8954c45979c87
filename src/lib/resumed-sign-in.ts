import type { TokenStorage } from './token-storage.ts';
import type { AuthFetchClient, PopupHints, TabSync } from './session/index.ts';

/**
 * Wires the popup sign-in `resumeSignIn` took up after this tab reloaded: the other tabs follow it and adopt its
 * token (tab sync), the page asks to finish in that window (a popup hint from the start, whose Try again signs in
 * anew), and any change of token meanwhile (signed out, or in by another way) gives it up, hint and lock with it.
 *
 * @example
 * const givenUp = new AbortController();
 * const resumed = resumeSignIn({ signal: givenUp.signal });
 * if (resumed) followResumedSignIn(resumed, givenUp, { tokens, tabs, popupHints, session });
 */
export function followResumedSignIn(
  resumed: Promise<string>,
  givenUp: AbortController,
  app: {
    tokens: Pick<TokenStorage, 'subscribe'>;
    tabs: Pick<TabSync, 'adoptSignIn'>;
    popupHints: PopupHints;
    session: Pick<AuthFetchClient, 'reconnect'>;
  },
): Promise<void> {
  const { tokens, tabs, popupHints, session } = app;
  // Its own token too, once adopted: nothing is left to give up then.
  const leave = tokens.subscribe(() => givenUp.abort());
  const hint = {
    reopen: () => {
      popupHints.report(null);
      session.reconnect();
    },
  };
  popupHints.report(hint);
  return tabs
    .adoptSignIn(resumed, givenUp.signal)
    .then(
      () => {},
      () => {},
    )
    .finally(() => {
      leave();
      if (popupHints.current() === hint) popupHints.report(null);
    });
}
