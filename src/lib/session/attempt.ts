/**
 * What `read` gives, or undefined when it throws: a storage that is full or refused to this page, or text that is no
 * JSON, reads as nothing.
 *
 * @example
 * attempt(() => localStorage.getItem('key')); // undefined where the page may not touch localStorage
 */
export function attempt<T>(read: () => T): T | undefined {
  try {
    // Stryker disable BlockStatement: an emptied catch returns undefined all the same
    return read();
  } catch {
    return undefined;
  }
}
// Stryker restore BlockStatement
