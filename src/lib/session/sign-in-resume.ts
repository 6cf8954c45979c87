import { type PendingSignIn, readSignIn } from './sign-in-record.ts';
import type { PopupHost, SignInPopupOptions } from './sign-in-popup.ts';
import { waitForSignIn } from './sign-in-wait.ts';
import { endSignIn } from './sign-ins-over.ts';

/** Stands for the popup this page never opened: no window message has it as its source. */
const noPopup = { closed: false, close() {} };

/** The popup's whole time limit, or none (then its timeout says the time that was left). */
const wholeLimit = ({ limitMs }: PendingSignIn) => (typeof limitMs === 'number' && limitMs > 0 ? limitMs : undefined);

/**
 * Takes up the popup sign-in this tab started before it was reloaded (F5, a deploy): listens for that sign-in's
 * answer on its BroadcastChannel until the popup's deadline, and sends the receipt that lets the callback page
 * close. Resolves with the token and rejects as `openSignInPopup` does (PopupTimeoutError at the deadline). Null
 * when there is nothing to take up: no sign-in pending, its deadline passed (the record goes), no
 * BroadcastChannel, or no readable sessionStorage. Give it to tab sync's `adoptSignIn` where there is one, so that
 * the other tabs follow it and take its token too, and the session hears why it failed; else to the session's
 * `adoptToken` once it resolves, and `signInFailed` once it rejects (unless given up).
 *
 * @example
 * const resumed = resumeSignIn({ signal });
 * if (resumed) tabs.adoptSignIn(resumed, signal).catch(() => {});
 */
export function resumeSignIn(options: Pick<SignInPopupOptions, 'namespace' | 'signal' | 'host'> = {}): Promise<string> | null {
  const host = options.host ?? (globalThis as unknown as PopupHost);
  return takeUpSignIn(
    readSignIn(() => host.sessionStorage, options.namespace),
    options,
  );
}

/**
 * As `resumeSignIn`, for the sign-in `pending` (another tab's, told by tab sync, once that tab closed while its
 * window may still be open at Google): null when there is none, or when its deadline has passed (it is over then).
 *
 * @example
 * const taken = takeUpSignIn({ state, deadline, limitMs }, { namespace, signal });
 */
export function takeUpSignIn(
  pending: PendingSignIn | undefined,
  options: Pick<SignInPopupOptions, 'namespace' | 'signal' | 'host'>,
): Promise<string> | null {
  const host = options.host ?? (globalThis as unknown as PopupHost);
  if (!pending) return null;
  // Never past its whole limit: a clock set back since the record was kept would stretch the wait by as much.
  const timeoutMs = Math.min(pending.deadline - Date.now(), wholeLimit(pending) ?? Number.POSITIVE_INFINITY);
  // The channel only: the callback page posts there too, and no popup of ours is left to vouch for a window message.
  if (timeoutMs > 0 && host.BroadcastChannel)
    // Stryker disable next-line StringLiteral,ArrowFunction: only openSignInPopup opens the url; open runs only on a hint's reopen, and noPopup never reads closed
    return waitForSignIn({ ...options, url: '', state: pending.state, timeoutMs }, host, noPopup, () => noPopup, wholeLimit(pending));
  endSignIn(host, options.namespace, pending.state);
  return null;
}
