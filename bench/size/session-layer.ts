import { relative, resolve, sep } from 'node:path';

/**
 * What "the session layer" is, in one place: the size budget, the token scan
 * and the edge test all read it. The layer is the framework-free folder with
 * its public index, plus the statechart it runs.
 */
export const SESSION_LAYER = {
  /** Every module of the layer lives here. */
  folder: 'src/lib/session',
  /** The public API: the app imports the layer through this file only. */
  entry: 'src/lib/session/index.ts',
  /** The statechart, which imports only xstate. */
  machines: 'machines',
} as const;

/**
 * True when `file` (absolute) belongs to the layer: its folder or the machine folder.
 *
 * @example
 * isInLayer(root, resolve(root, 'src/lib/credits-api.ts')); // false
 */
export function isInLayer(root: string, file: string): boolean {
  const path = relative(root, file).split(sep).join('/');
  return path.startsWith(`${SESSION_LAYER.folder}/`) || path.startsWith(`${SESSION_LAYER.machines}/`);
}

/** What the layer may import without it counting against the budget. */
export const EXTERNAL = /^(xstate|@xstate\/react|react|react-dom)(\/|$)/;

/** The budget for the layer's own code, gzip -9 bytes (decision 0020). */
export const BUDGET_BYTES = 16 * 1024;

/**
 * An entry module that keeps every export of the layer alive: the size
 * measured is the whole public API, the worst case for an app that uses all of it.
 *
 * @example
 * sessionLayerEntry('/repo'); // 'export * from "/repo/src/lib/session/index.ts";'
 */
export function sessionLayerEntry(root: string): string {
  return `export * from ${JSON.stringify(resolve(root, SESSION_LAYER.entry))};`;
}

/**
 * An entry for an app that uses authFetch and its errors only (its own banner, no tab sync, popup or selectors):
 * what such an app ships, since the rest of the layer is left out of its build.
 *
 * @example
 * authFetchOnlyEntry('/repo'); // 'export { createAuthFetch } from "…/index.ts"; export * from "…/errors.ts";'
 */
export function authFetchOnlyEntry(root: string): string {
  const from = (file: string) => JSON.stringify(resolve(root, SESSION_LAYER.folder, file));
  return `export { createAuthFetch } from ${from('index.ts')}; export * from ${from('errors.ts')};`;
}
