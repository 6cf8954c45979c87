/**
 * Throws the TypeError fetch would reject with for a request it cannot build (a URL with credentials, a GET with a
 * body).
 *
 * @example
 * assertBuildable(['https://user:secret@api.example.com/', undefined]); // TypeError: fetch refuses credentials in a URL
 */
export function assertBuildable([input, init]: Parameters<typeof fetch>): void {
  // A Request was built already (a stream body is always sent inside one, used up by then).
  // An AbortSignal left out (a Request listens to it until collected); any other signal kept, for fetch to refuse.
  if (!(input instanceof Request)) new Request(input, init?.signal instanceof AbortSignal ? { ...init, signal: null } : init);
}

/**
 * Whether fetch could build this request at all (only asked once a send has failed): if not, its TypeError is the
 * caller's mistake, not the network's.
 *
 * @example
 * buildable(['https://user:secret@api.example.com/', undefined]); // false: fetch refuses credentials in a URL
 */
export function buildable(sent: Parameters<typeof fetch>): boolean {
  try {
    assertBuildable(sent);
    return true;
    // Stryker disable next-line BlockStatement: an empty catch returns undefined, as falsy as false to the one caller
  } catch {
    return false;
  }
}

/**
 * Whether fetch rejected with the reason its caller aborted it with: any value, a TypeError too, and no network's failure.
 *
 * @example
 * abortedWith([url, { signal }], error); // true when signal.reason is error
 */
export function abortedWith([input, init]: Parameters<typeof fetch>, error: unknown): boolean {
  const signal = input instanceof Request ? input.signal : init?.signal;
  return signal?.aborted === true && signal.reason === error;
}

/**
 * Methods whose request may be sent twice (RFC 9110 §9.2.1): fetch refuses TRACE.
 *
 * @example
 * safeMethods.has('GET'); // true
 */
export const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
