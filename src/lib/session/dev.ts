/**
 * True in development builds, tests and plain Node; false in production
 * builds, where Vite folds it and the minifier drops the long developer
 * messages behind it (as React does with its warnings). What users see is
 * worded the same in both.
 *
 * @example
 * throw new TypeError(DEV ? 'authFetch: pass allowedOrigins …' : 'allowedOrigins');
 */
export const DEV: boolean = import.meta.env?.DEV !== false;
