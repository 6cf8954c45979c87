/**
 * The IPC protocol between the benchmark and its backend process. Types only
 * (plus the zero value of the counters), so both sides agree at compile time.
 */

/** What the backend counted since the last `reset`. */
export interface BackendStats {
  /** Calls to `/auth/me` (the app's getCurrentUser). */
  validateCalls: number;
  /** Calls to `/auth/reauth` (each one is a sign-in popup for the user). */
  reauthCalls: number;
  /** Requests to `/api/*`, whatever their token. */
  apiRequests: number;
  /** Requests to `/api/*` that carried a token the server no longer accepts (answered 401). */
  staleApiRequests: number;
  /** Requests to `/api/*` that arrived while the re-auth gate was closed (the popup was open). */
  apiWhileGated: number;
  /** Bodies echoed by `/api/echo`. */
  echoes: number;
}

/** A command to the backend; `id` pairs it with its reply. */
export type BackendCommand = { id: number } & (
  /** `lapsed`: a token already past its `exp`, which the server refuses (see server.ts). */
  | { type: 'issue'; lapsed?: boolean }
  | { type: 'expire' }
  | { type: 'stats' }
  | { type: 'reset' }
  | { type: 'gate'; closed: boolean }
);

/** The backend's answer: a token for `issue`, the counters for `stats`, null otherwise. */
export interface BackendReply {
  id: number;
  result: string | BackendStats | null;
}

/**
 * Counters at zero.
 *
 * @example
 * let stats = emptyStats(); stats.reauthCalls += 1;
 */
export function emptyStats(): BackendStats {
  return { validateCalls: 0, reauthCalls: 0, apiRequests: 0, staleApiRequests: 0, apiWhileGated: 0, echoes: 0 };
}
