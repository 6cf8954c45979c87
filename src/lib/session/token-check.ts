import { networkFailure } from '../../../machines/session.machine.ts';
import { DEV } from './dev.ts';
import { QuietSessionError } from './errors.ts';
import type { AuthFetchOptions } from './options.ts';
import { isHeaderSafe, noteRefused, type OwnWork } from './own-work.ts';
import type { ExpiryAwareness } from './token-expiry.ts';

/** validate's own bug (`user.json is not a function`) is a TypeError too, and reads as the network down: said once. */
function ownTypeErrorWarning() {
  let told = false;
  return (error: unknown) => {
    if (told || !(error instanceof TypeError) || networkFailure.test(error.message)) return;
    told = true;
    console.warn(
      `quiet-session: validate threw TypeError: ${error.message}. The session takes a TypeError for the network being down: it waits offline and holds calls. If this is a bug in validate, fix it there.`,
    );
  };
}

/**
 * Asks the backend about a token with `validate`: true when it is good (or there is none: nobody to reconnect), false
 * on a 401. A good one is trusted until its expiry, a refused one kept (a tab's late message may name it again).
 *
 * @example
 * const validateToken = createTokenCheck({ options, expiry, own, now: Date.now });
 * const valid = await validateToken(options.getToken(), signal);
 */
export function createTokenCheck({
  options,
  expiry,
  own,
  now,
}: {
  options: AuthFetchOptions;
  expiry: ExpiryAwareness;
  own: OwnWork;
  /** This tab's clock: how long the answer took, for the yes may have been given as it was asked. */
  now: () => number;
}) {
  const warnOfOwnTypeError = ownTypeErrorWarning();
  return async (token: string | null, signal: AbortSignal): Promise<boolean> => {
    // A token no header can carry is as good as expired: the user signs in again.
    if (!isHeaderSafe(token)) {
      // Most likely "Bearer …" kept whole: the developer is told why, never what it is.
      // Stryker disable next-line ConditionalExpression: DEV is true under test, and a production build drops the line
      if (DEV)
        console.error(
          'quiet-session: getToken returned a token no header can carry (a space, a line break): the session takes it for expired. Return the token alone, without "Bearer ".',
        );
      return false;
    }
    own.signals.add(signal);
    own.checking = { token, signal };
    const askedAt = now();
    let valid: boolean;
    own.insideValidate = true;
    try {
      const answer = options.validate({ token, signal });
      // Calls made while its answer is awaited are not validate's own.
      own.insideValidate = false;
      valid = await answer;
    } catch (error) {
      // Stryker disable next-line ConditionalExpression: DEV is true under test, and a production build drops the line
      if (DEV) warnOfOwnTypeError(error);
      throw error;
    } finally {
      own.insideValidate = false;
      if (own.checking?.signal === signal) own.checking = null;
    }
    // Not a TypeError: the chart takes those for a network failure.
    if (typeof valid !== 'boolean') {
      const mistake = new QuietSessionError(DEV ? `validate must resolve true or false, got ${typeof valid}.` : 'validate');
      // A wiring mistake (`validate: getCurrentUser`) the chart only reads as "cannot say": told where a developer looks.
      // Stryker disable next-line ConditionalExpression: DEV is true under test, and a production build drops the line
      if (DEV) console.error(`quiet-session: ${mistake.message}`);
      throw mistake;
    }
    if (valid) expiry.vouch(token, now() - askedAt);
    else noteRefused(own, token);
    // Nobody is signed in (a probe after a sign-out, or on the sign-in page): no session to reconnect.
    // The backend answered, or validate would have rejected: the calls go, without a token.
    return valid || token === null;
  };
}
