/**
 * A URL as messages and the inspector show it: without its query string or
 * fragment, which may carry secrets.
 *
 * @example
 * urlSummary('https://api.test/api/items?key=secret#top'); // 'https://api.test/api/items'
 */
export const urlSummary = (url: string): string => url.replace(/[?#].*/s, '');
