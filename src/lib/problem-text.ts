import { ApiError, isAbortError } from './api-error.ts';
import { QuietSessionError } from './session/index.ts';

/** What failed: something the user asked for (they may try again), or a panel that refreshes itself. */
export type ProblemKind = 'request' | 'update';

/** Words a person can act on, for the failures that are not already in words. Never the browser's ("Failed to fetch"). */
export const problemTexts = {
  unreachable: "Couldn't reach the studio. Check your connection and try again.",
  unreachableUpdate: "Couldn't reach the studio. Check your connection; this updates by itself once it's back.",
  unknown: 'Something went wrong. Try again.',
} as const;

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
  // The backend's answer, in words it chose for people ("Generating failed (402: Out of credits).").
  if (error instanceof ApiError) return error.message;
  return problemTexts.unknown;
}
