/**
 * A URL as messages and the inspector show it: origin and path, without the
 * query string, the fragment or `user:password@`, which may carry secrets.
 *
 * @example
 * urlSummary('https://ada:pw@api.test/api/items?key=secret#top'); // 'https://api.test/api/items'
 */
// `user:password@` found as URL finds it: after spaces, and after as many slashes or backslashes as there are, none too.
export const urlSummary = (url: string): string => url.replace(/[?#].*/s, '').replace(/^(\s*[a-z][\w+.-]*:[\\/]*)[^/\\]*@/i, '$1');
