/**
 * A URL as messages and the inspector show it: origin and path, without the
 * query string, the fragment or `user:password@`, which may carry secrets.
 *
 * @example
 * urlSummary('https://ada:pw@api.test/api/items?key=secret#top'); // 'https://api.test/api/items'
 */
// `user:password@` first, found as URL finds it (after spaces, and any slashes), and wider: a password with a # in it.
// Stryker disable next-line Regex: unanchored, it would also cut a `name:x@` in a path, which no test or app URL has
export const urlSummary = (url: string): string => url.replace(/^(\s*[a-z][\w+.-]*:[\\/]*)[^/\\]*@/i, '$1').replace(/[?#].*/s, '');
