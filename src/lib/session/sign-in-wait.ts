import { isUnreachableFailure } from '../../../machines/session.machine.ts';
import { PopupBlockedError, PopupTimeoutError } from './errors.ts';
import { isErrorMessage, isTokenMessage, receiptMessageType, signInChannelName } from './popup-message.ts';
import { popupReopened } from './popup-reopened.ts';
import { signInErrorFor } from './provider-error.ts';
import { rememberSignIn } from './sign-in-record.ts';
import { endSignIn } from './sign-ins-over.ts';
import type { PopupClosedHint, PopupHost, SignInPopupOptions } from './sign-in-popup.ts';

/**
 * The popup as the wait watches it: a window, or the stand-in `resumeSignIn` gives.
 *
 * @example
 * const popup: Popup = window.open(url, 'quiet-session-sign-in', 'popup') ?? noPopup;
 */
export type Popup = Pick<Window, 'closed' | 'close'>;

/**
 * The wait for the answer to the sign-in `state`, its popup `first` already open (`open` opens another for Try
 * again). `resumeSignIn` gives an object that is no window, the time left, and the popup's whole `limitMs` (what
 * its timeout says). While it waits, the tab keeps its record.
 *
 * @example
 * const token = await waitForSignIn(options, window, popup, () => window.open(options.url, 'quiet-session-sign-in'));
 */
export function waitForSignIn(
  options: SignInPopupOptions,
  host: PopupHost,
  first: Popup,
  open: () => Popup | null,
  limitMs = options.timeoutMs ?? 120_000,
): Promise<string> {
  const { state, signal, onClosedHint, namespace } = options;
  const timeoutMs = options.timeoutMs ?? 120_000;
  let popup = first;

  return new Promise<string>((resolve, reject) => {
    let done = false;
    let hinted = false;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    let closedCheck: ReturnType<typeof setInterval> | undefined;
    const checked = new AbortController();
    // Same-origin by construction: only our own origin's pages can post on it, and what we post reaches no other origin.
    const channel = host.BroadcastChannel ? new host.BroadcastChannel(signInChannelName(state, namespace)) : null;
    const hint = (value: PopupClosedHint | null) => {
      hinted = value !== null;
      onClosedHint?.(value);
    };

    const settle = (outcome: () => void, receipt = false) => {
      // Stryker disable next-line ConditionalExpression: settle drops every listener and timer before it calls out, and reopen looks at done itself: nothing calls it twice
      if (done) return;
      done = true;
      // A window the studio could not close (COOP) may still answer: its page then says at once that nobody waits.
      endSignIn(host, namespace, state);
      clearTimeout(timeout);
      clearInterval(closedCheck);
      host.removeEventListener('message', onWindowMessage);
      // Stryker disable next-line StringLiteral: the channel is closed just below, and a closed channel hears nothing, listener or not
      channel?.removeEventListener('message', onChannelMessage);
      signal?.removeEventListener('abort', onAbort);
      checked.abort();
      // A callback page with no opener cannot tell otherwise that its answer arrived, and closes itself on this.
      if (receipt) channel?.postMessage({ type: receiptMessageType, state });
      channel?.close();
      popup.close();
      // Settled first: a page callback that throws must not leave the sign-in pending for good.
      outcome();
      if (hinted) hint(null);
    };
    const fail = (error: unknown) => settle(() => reject(error));

    /** Starts the time limit and the closed check of the popup now open. */
    const watch = () => {
      clearTimeout(timeout);
      clearInterval(closedCheck);
      timeout = setTimeout(() => fail(new PopupTimeoutError(limitMs)), timeoutMs);
      // Its state and deadline only: after a reload of this tab, resumeSignIn knows the answer by them.
      rememberSignIn(() => host.sessionStorage, namespace, { state, deadline: Date.now() + timeoutMs, limitMs });
      closedCheck = setInterval(() => {
        if (!popup.closed) return;
        clearInterval(closedCheck);
        // Closed, or only cut off from us by the provider's COOP: we cannot tell, so we wait on and say so.
        hint({ reopen });
      }, options.closedCheckMs ?? 300);
    };
    const reopen = () => {
      if (done) return;
      popup.close();
      let next: Popup | null;
      try {
        next = open();
      } catch (error) {
        // Called from a click handler: a throw there would be lost, and the sign-in left waiting.
        return fail(error);
      }
      if (!next) return fail(new PopupBlockedError());
      popup = next;
      watch();
      popupReopened(signal);
      // Last: a page callback that throws must not leave the new window on the old one's time limit.
      hint(null);
    };

    const receive = (data: unknown) => {
      if (isTokenMessage(data, state)) settle(() => resolve(data.token), true);
      else if (isErrorMessage(data, state)) settle(() => reject(signInErrorFor(data.error)), true);
    };
    const onWindowMessage = (event: MessageEvent) => {
      // From our own origin and this very popup only: the opener path is the one a stranger's window could use.
      if (event.origin === host.location.origin && event.source === popup) receive(event.data);
    };
    const onChannelMessage = (event: MessageEvent) => receive(event.data);
    // Stryker disable next-line OptionalChaining: onAbort only runs as the signal's listener, or when the signal is there and aborted
    const onAbort = () => fail(signal?.reason);

    host.addEventListener('message', onWindowMessage);
    channel?.addEventListener('message', onChannelMessage);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: settle removes it when it fires, and an AbortSignal fires 'abort' once at most
    signal?.addEventListener('abort', onAbort, { once: true });
    watch();
    if (signal?.aborted) onAbort();
    // A promise of its own: a check that throws is one that failed, never the sign-in's own throw.
    // Stryker disable next-line OptionalChaining: no checkServer then throws a TypeError in no network's words, which the catch ignores as it ignores no check
    new Promise((answer) => answer(options.checkServer?.(checked.signal))).catch(
      (error: unknown) => isUnreachableFailure(error) && fail(signInErrorFor('server_unreachable', error)),
    );
  });
}
