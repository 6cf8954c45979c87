import { isUnreachableFailure } from '../../../machines/session.machine.ts';
import { abortOf, eitherSignal } from './either-signal.ts';
import { isTokenMessage, tokenMessageType, type ErrorMessage, type TokenMessage } from './popup-message.ts';
import type { GoogleCallbackArgs } from './sign-in-callback.ts';

/** The codes a backend's 502 may name beside its `detail` (Google busy, our OAuth client refused); any other is unreachable. */
const providerCodes = new Set<unknown>(['provider_busy', 'server_misconfigured']);

/**
 * Why the exchange failed, as a code: fetch's TypeError (or an error caused by a TypeError), the backend could not be
 * reached, as the session reads a sign-in's failure; a 502 from it (an error with `status: 502`, as the app's
 * ApiError), the backend could not reach the provider, or, when its `code` says so, found it busy or was refused its
 * client; else, a TypeError of the exchange's own bug too, it did not trade the code.
 */
function exchangeFailure(error: unknown): string {
  if (isUnreachableFailure(error)) return 'server_unreachable';
  const answer = error as { status?: unknown; code?: unknown } | null;
  if (answer?.status !== 502) return 'exchange_failed';
  return providerCodes.has(answer.code) ? (answer.code as string) : 'provider_unreachable';
}

/** What `run` settles with, or `late` after `ms`: then its signal aborts, so that a request it made is cancelled. */
async function exchangeWithin<T>(ms: number, late: T, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const wait = eitherSignal([], ms);
  try {
    return await Promise.race([abortOf(wait.signal).then(() => late), run(wait.signal)]);
  } finally {
    wait.dispose();
  }
}

/**
 * Trades the provider's `code` with `args.exchange` (called as its method) for what the callback page tells the app:
 * the token, or, as made by `failure`, why there is none (`server_timeout` once `args.exchangeTimeoutMs` passed: the
 * exchange's signal then aborts). Never rejects.
 *
 * @example
 * const message = await exchangeCode({ exchange: exchangeGoogleCode }, code, state, (error) => ({ type: errorMessageType, state, error }));
 */
export function exchangeCode(
  args: Pick<GoogleCallbackArgs, 'exchange' | 'exchangeTimeoutMs'>,
  code: string,
  state: string,
  failure: (reason: string) => ErrorMessage,
): Promise<TokenMessage | ErrorMessage> {
  return exchangeWithin(args.exchangeTimeoutMs ?? 30_000, failure('server_timeout'), (signal) =>
    // A promise of its own: an exchange that throws before it returns one fails as one that rejects.
    Promise.resolve()
      .then(() => args.exchange(code, state, { signal }))
      .then(
        // No JWT (a backend that names it otherwise, an opaque token): the app would drop it and wait out its popup.
        (token) => {
          const answer = { type: tokenMessageType, state, token };
          return isTokenMessage(answer, state) ? answer : failure('exchange_failed');
        },
        (error: unknown) => failure(exchangeFailure(error)),
      ),
  );
}
