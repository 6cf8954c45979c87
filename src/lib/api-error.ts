/**
 * A non-2xx answer from the API that reached a caller (a 401 never does:
 * authFetch holds it). Carries the status and FastAPI's `detail`.
 *
 * @example
 * try { await getCredits(); } catch (e) { if (e instanceof ApiError && e.status === 402) showTopUp(); }
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(what: string, status: number, detail: string | null) {
    super(`${what} failed (${status}${detail ? `: ${detail}` : ''}).`);
    this.name = 'ApiError';
    this.status = status;
  }
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
  throw new ApiError(what, response.status, typeof body?.detail === 'string' ? body.detail : null);
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
