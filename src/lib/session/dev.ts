/**
 * True in development builds, tests and plain Node; false in production
 * builds, where Vite folds it and the minifier drops the long developer
 * messages behind it (as React does with its warnings). What users see is
 * worded the same in both.
 *
 * @example
 * throw new TypeError(DEV ? 'authFetch: pass allowedOrigins …' : 'allowedOrigins');
 */
// Written as is, for Vite and Vitest replace it as text; an app without Vite's types has no `env` here, an app with them does.
// biome-ignore lint/suspicious/noTsIgnore: @ts-expect-error would fail in an app with Vite's types
// @ts-ignore
export const DEV: boolean = import.meta.env?.DEV !== false;
