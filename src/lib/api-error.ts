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
  constructor(what: string, status: number, detail: string | null, retryAfterMs: number | null = null) {
    super(`${what} failed (${status}${detail ? `: ${detail}` : ''}).`);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
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
  const body = (await response.json().catch(() => null)) as { detail?: unknown } | null;
  throw new ApiError(what, response.status, typeof body?.detail === 'string' ? body.detail : null, retryAfterMs(response));
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
