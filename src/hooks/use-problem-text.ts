import { useCallback } from 'react';
import { ApiError, isAbortError } from '../lib/api-error.ts';
import { AuthExpiredError } from '../lib/session/index.ts';
import { useAuth } from './use-auth.ts';

/** What failed: something the user asked for (they may try again), or a panel that refreshes itself. */
export type ProblemKind = 'request' | 'update';

/** Words a person can act on, for each way a call fails. Never a stack's or the browser's ("Failed to fetch"). */
export const problemTexts = {
  unreachable: "Couldn't reach the studio. Check your connection and try again.",
  unreachableUpdate: "Couldn't reach the studio. Check your connection; this updates by itself once it's back.",
  otherAccount: 'Signed in as another account — this request was not sent. Try again.',
  signInGivenUp: "Signing in didn't finish, so this request was not sent. Reconnect, then try again.",
  unknown: 'Something went wrong. Try again.',
} as const;

/**
 * Plain words for a failed call, or null when there is nothing to say (the call was aborted; a panel's
 * update the session gave up, which the next update replaces). `signedInNow()` tells who is signed in
 * when the call is made; hand it back to `describe` with the failure, so that a call given up because
 * another account signed in says so.
 *
 * @example
 * const { signedInNow, describe } = useProblemText();
 * const asked = signedInNow();
 * generate().catch((error) => setProblem(describe(error, asked)));
 */
export function useProblemText(): {
  signedInNow: () => string | null;
  describe: (error: unknown, askedAs: string | null, kind?: ProblemKind) => string | null;
} {
  const { signedInNow } = useAuth();
  const describe = useCallback(
    (error: unknown, askedAs: string | null, kind: ProblemKind = 'request') => {
      if (isAbortError(error)) return null;
      // fetch's own rejection: the network failed while the call was out (the layer holds those made offline).
      if (error instanceof TypeError) return kind === 'update' ? problemTexts.unreachableUpdate : problemTexts.unreachable;
      // The session will not send it: someone else signed in, or signing in was given up. The next update will go.
      if (error instanceof AuthExpiredError) {
        if (kind === 'update') return null;
        const now = signedInNow();
        return now !== null && askedAs !== null && now !== askedAs ? problemTexts.otherAccount : problemTexts.signInGivenUp;
      }
      // The backend's answer, in words it chose for people ("Generating failed (402: Out of credits).").
      if (error instanceof ApiError) return error.message;
      return problemTexts.unknown;
    },
    [signedInNow],
  );
  return { signedInNow, describe };
}
