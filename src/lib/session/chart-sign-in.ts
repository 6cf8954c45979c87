import { isUnreachableFailure, type SessionEvent } from '../../../machines/session.machine.ts';
import { DEV } from './dev.ts';
import { ReauthError } from './errors.ts';
import type { AuthFetchOptions } from './options.ts';
import { isHeaderSafe, type OwnWork } from './own-work.ts';
import { onPopupReopened } from './popup-reopened.ts';

/**
 * The chart's `reauthenticate`: runs the app's sign-in until `signal` aborts (the chart moved on), and stores the
 * token it resolves. Rejects with why there is none; a backend out of reach tells the chart it is offline first.
 *
 * @example
 * reauthenticate: fromPromise(({ signal }) => signInForChart(options, own, tell, signal)),
 */
export async function signInForChart(
  options: AuthFetchOptions,
  own: OwnWork,
  tell: (event: SessionEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  own.signals.add(signal);
  // openSignInPopup given this signal says when Try again opens a new window: the deadline starts again.
  onPopupReopened(signal, () => tell({ type: 'reauth.reopened' }));
  let token: unknown;
  try {
    token = await options.reauthenticate({ signal });
  } catch (error) {
    // The backend out of reach (fetch's TypeError, or the popup's check that met one): offline, no attempt spent.
    // Not once the chart moved on (another tab's token, a sign-out): a sign-in given up says nothing of the backend now.
    if (!signal.aborted && isUnreachableFailure(error)) tell({ type: 'network.offline' });
    throw error;
  }
  // Settled after the chart moved on (signed out, stopped, another tab's token): not ours to store.
  if (signal.aborted) return;
  // None, or none a header can carry: fetch's TypeError would quote it, and the held calls would meet it.
  if (typeof token !== 'string' || !isHeaderSafe(token)) {
    // A wiring mistake (its `return` forgotten, `{ access_token }` whole), told where a developer looks, never quoted.
    // Stryker disable next-line ConditionalExpression,LogicalOperator: DEV is true under test, and a production build drops the line
    if (DEV && typeof token !== 'string')
      console.error(`quiet-session: reauthenticate must resolve the new token, a string, got ${typeof token}.`);
    throw new ReauthError('Sign-in returned no token. Press Reconnect to try again.');
  }
  options.setToken(token);
}
