import { isReceiptMessage } from './popup-message.ts';
import type { SignInChannel } from './sign-in-popup.ts';

/**
 * What the callback page says when the window that asked for the sign-in never answered.
 *
 * @example
 * if (!opener) throw new Error(noAnswerFromStudio);
 */
export const noAnswerFromStudio =
  'The studio window that asked for this sign-in did not answer. Close this window and sign in from the studio.';

/** How often the answer is said again while no receipt has come. */
const repostMs = 500;
/** How long a late receipt is waited for: no app waits longer (its popup's deadline is 2 minutes unless set). */
const lateForMs = 10 * 60_000;

/**
 * Says `message` on `channel`, and again every so often (a tab reloading in that moment listens only once it has
 * loaded), until the opener's receipt for `state`: then resolves. Rejects after `ms` (the window that asked is gone,
 * or frozen), or with the error of saying it. Stops and closes `channel` at the receipt, or at `ms` unless `onLate`
 * hears a receipt that comes after.
 *
 * @example
 * await sayUntilReceipt(new BroadcastChannel(signInChannelName(state)), state, 5_000, undefined, message);
 */
export function sayUntilReceipt(
  channel: SignInChannel,
  state: string,
  ms: number,
  onLate: (() => void) | undefined,
  message: unknown,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let late = false;
    let over = false;
    let again: ReturnType<typeof setInterval> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      over = true;
      clearInterval(again);
      clearTimeout(timer);
      // Stryker disable next-line StringLiteral: tidiness only: the channel is closed next, and a closed one hears nothing
      channel.removeEventListener('message', onMessage);
      channel.close();
    };
    const onMessage = (event: MessageEvent) => {
      if (!isReceiptMessage(event.data, state)) return;
      stop();
      // Stryker disable next-line OptionalChaining: late is set only when there is an onLate
      if (late) onLate?.();
      else resolve();
    };
    channel.addEventListener('message', onMessage);
    try {
      channel.postMessage(message);
    } catch (error) {
      stop();
      throw error;
    }
    // A receipt may come at once (a fake channel delivers as it is posted): nothing more to wait for then.
    if (over) return;
    again = setInterval(() => channel.postMessage(message), repostMs);
    timer = setTimeout(() => {
      reject(new Error(noAnswerFromStudio));
      // Still said while a late receipt is heard: an app tab slower to reload than `ms` takes it then, for a while.
      if (onLate) {
        late = true;
        timer = setTimeout(stop, lateForMs);
      } else stop();
    }, ms);
  });
}
