import { ApiError, isAbortError } from './api-error.ts';
import { QuietSessionError } from './session/index.ts';

/** What failed: something the user asked for (they may try again), or a panel that refreshes itself. */
export type ProblemKind = 'request' | 'update';

/** Words a person can act on, for the failures that are not already in words. Never the browser's ("Failed to fetch"). */
export const problemTexts = {
  unreachable: "Couldn't reach the studio. Check your connection and try again.",
  unreachableUpdate: "Couldn't reach the studio. Check your connection; this updates by itself once it's back.",
  serverTrouble: 'The studio is having trouble. Try again in a moment.',
  serverTroubleUpdate: "The studio is having trouble; this updates by itself once it's back.",
  unknown: 'Something went wrong. Try again.',
} as const;

/** After the server's own words on a panel that refreshes itself: nothing to do but wait. */
const updatesByItself = "This updates by itself once it's back.";

/** A 5xx's detail that only names its status (Starlette's default, FastAPI's own 500): no words chosen for people. */
const statusNames = /^(internal server error|bad gateway|service unavailable|gateway timeout)$/i;

/**
 * Plain words for a failed call, or null when there is nothing to say: the call was aborted, or a
 * panel's update that the session did not send (the next update replaces it).
 *
 * @example
 * generate().catch((error) => setProblem(describeProblem(error)));
 */
export function describeProblem(error: unknown, kind: ProblemKind = 'request'): string | null {
  if (isAbortError(error)) return null;
  // fetch's own rejection: the network failed while the call was out (the layer holds those made offline).
  if (error instanceof TypeError) return kind === 'update' ? problemTexts.unreachableUpdate : problemTexts.unreachable;
  // The session's own errors say what happened and what to do (another account signed in, signing in was given up…).
  if (error instanceof QuietSessionError) return kind === 'update' ? null : error.message;
  // The server's side with nothing said but its status (a gateway's page, a bare 500): words, not "(503)".
  if (error instanceof ApiError && error.status >= 500 && (error.detail === null || statusNames.test(error.detail))) {
    return kind === 'update' ? problemTexts.serverTroubleUpdate : problemTexts.serverTrouble;
  }
  // The backend's answer, in words it chose for people ("Generating failed (402: Out of credits).").
  if (error instanceof ApiError) return kind === 'update' && error.status >= 500 ? `${error.message} ${updatesByItself}` : error.message;
  return problemTexts.unknown;
}
