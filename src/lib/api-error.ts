/**
 * A non-2xx answer from the API that reached a caller (a 401 never does:
 * authFetch holds it). Carries the status and FastAPI's `detail`.
 *
 * @example
 * try { await getCredits(); } catch (e) { if (e instanceof ApiError && e.status === 402) showTopUp(); }
 */
export class ApiError extends Error {
  readonly status: number;
  /** How long the backend asked us to wait before asking again (a 429's or 503's `Retry-After`), else null. */
  readonly retryAfterMs: number | null;
  /** FastAPI's `detail` in words, null when the answer had none (a gateway's HTML page). */
  readonly detail: string | null;
  /** The backend's word for what failed, beside `detail` (a sign-in's 502: `provider_busy`, …), null when it gave none. */
  readonly code: string | null;
  constructor(what: string, status: number, detail: string | null, retryAfterMs: number | null = null, code: string | null = null) {
    super(`${what} failed (${status}${detail ? `: ${detail}` : ''}).`);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.retryAfterMs = retryAfterMs;
    this.code = code;
  }
}

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds, or an HTTP-date (read against the
 * answer's own `Date`, so that a wrong clock here does not stretch or cut it). Null when there is none.
 *
 * @example
 * retryAfterMs(response); // 30_000 for `Retry-After: 30`
 */
export function retryAfterMs(response: Response): number | null {
  const value = response.headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const until = Date.parse(value);
  if (Number.isNaN(until)) return null;
  const answered = Date.parse(response.headers.get('date') ?? '');
  return Math.max(0, until - (Number.isNaN(answered) ? Date.now() : answered));
}

/**
 * The JSON body of a 2xx response, or an ApiError that says what failed.
 *
 * @example
 * const credits = await readJson<Credits>(await authFetch(apiUrl('/api/credits')), 'Loading credits');
 */
export async function readJson<T>(response: Response, what: string): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => null)) as { detail?: unknown; code?: unknown } | null;
  const code = typeof body?.code === 'string' ? body.code : null;
  throw new ApiError(what, response.status, detailText(body?.detail), retryAfterMs(response), code);
}

/** setTimeout's longest delay: a longer one fires at once. */
const longestDelay = 2 ** 31 - 1;

/**
 * How long to wait before asking again after `error`: `ms`, or its `Retry-After` when longer (asking sooner only
 * keeps the backend refusing), never past what setTimeout can wait.
 *
 * @example
 * timer = setTimeout(load, waitBeforeAsking(error, 2_000));
 */
export function waitBeforeAsking(error: unknown, ms: number): number {
  const asked = error instanceof ApiError ? (error.retryAfterMs ?? 0) : 0;
  return Math.min(Math.max(ms, asked), longestDelay);
}

/**
 * True for a failure that may pass by itself: the network (fetch's TypeError), a 408 or 429, or the server's side
 * (5xx, a gateway's too). Asking again later may work; a 4xx like 403 or 404 would only answer the same.
 *
 * @example
 * catch (error) { if (isTransientFailure(error)) setTimeout(load, 2_000); }
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  return error instanceof ApiError && (error.status >= 500 || error.status === 408 || error.status === 429);
}

/** At most this many of a 422's issues: enough to act on, short enough to read. */
const issuesShown = 3;

/**
 * FastAPI's `detail` in words: a string as it is; a 422's list of `{ loc, msg }` as its first messages, each
 * after the field it is about ("prompt: Field required"). Null when there is nothing to say.
 */
function detailText(detail: unknown): string | null {
  if (typeof detail === 'string') return detail || null;
  if (!Array.isArray(detail)) return null;
  const issues = detail.flatMap((issue: { loc?: unknown; msg?: unknown } | null) => {
    if (typeof issue?.msg !== 'string' || !issue.msg) return [];
    // `loc` starts with where the value came from (body, query, path): the field is what a person knows.
    const field = Array.isArray(issue.loc) ? issue.loc.slice(1).join('.') : '';
    return [field ? `${field}: ${issue.msg}` : issue.msg];
  });
  return issues.length > 0 ? issues.slice(0, issuesShown).join('; ') : null;
}

/**
 * True for the rejection of a call that we aborted ourselves (unmount, new
 * page): not an error to show anyone.
 *
 * @example
 * catch (error) { if (!isAbortError(error)) setError(error); }
 */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
