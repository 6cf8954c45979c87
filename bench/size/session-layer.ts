import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The entry files of the session layer (issue 4): each is bundled with
 * everything of ours it imports.
 *
 * @example
 * SESSION_LAYER.map((entry) => entry.file); // ['machines/session.machine.ts', …]
 */
export const SESSION_LAYER = [
  { file: 'machines/session.machine.ts', role: 'statechart', required: true },
  { file: 'src/lib/auth-fetch.ts', role: 'authFetch (with its helper modules)', required: true },
  { file: 'src/components/SessionExpiredBanner.tsx', role: 'banner', required: false },
  { file: 'src/contexts/AuthContext.tsx', role: 'React context', required: false },
] as const;

/**
 * Session code that ships beside the layer but is outside issue 4's budget
 * (it is not the machine, authFetch and its helpers, the banner or the
 * context): reported, so that its weight is seen, never silently added.
 *
 * @example
 * await measureSessionLayer(root, undefined, ALONGSIDE.map((entry) => entry.file));
 */
export const ALONGSIDE = [
  { file: 'src/lib/tab-sync.ts', role: 'tab sync (wired in main.tsx)' },
  { file: 'src/components/ConnectionNotice.tsx', role: 'offline notice (mounted in App)' },
  { file: 'src/lib/connection-view.ts', role: 'its selector (imported by the notice)' },
] as const;

/**
 * What the session layer may import without it counting against the budget.
 *
 * @example
 * EXTERNAL.test('react/jsx-runtime'); // true
 */
export const EXTERNAL = /^(xstate|@xstate\/react|react|react-dom)(\/|$)/;

/**
 * The budget for our own code, gzip -9 bytes.
 *
 * @example
 * if (size.gzipBytes > BUDGET_BYTES) process.exitCode = 1;
 */
export const BUDGET_BYTES = 4 * 1024;

/**
 * The session layer's entry files that exist, and the optional ones that do
 * not (yet): the banner and context come from the app, and a size check that
 * quietly measured less than the whole layer would be a lie, hence `missing`.
 *
 * @example
 * const { present, missing } = findSessionLayer(process.cwd());
 */
export function findSessionLayer(root: string, extra: readonly string[] = []): { present: string[]; missing: string[] } {
  const present: string[] = [];
  const missing: string[] = [];
  for (const entry of [...SESSION_LAYER, ...extra.map((file) => ({ file, role: 'extra', required: false }))]) {
    if (existsSync(join(root, entry.file))) present.push(entry.file);
    else if (entry.required) throw new Error(`size: ${entry.file} (${entry.role}) is missing; nothing to measure.`);
    else missing.push(entry.file);
  }
  return { present, missing };
}

/**
 * An entry module that keeps every export of the layer alive: the size
 * measured is the whole public API, the worst case for an app that uses all
 * of it. Plain `export *` rather than namespaces, so that no bundler helper
 * is counted as ours (the files export no name twice).
 *
 * @example
 * sessionLayerEntry('/repo', ['src/lib/auth-fetch.ts']); // 'export * from "/repo/src/lib/auth-fetch.ts";'
 */
export function sessionLayerEntry(root: string, files: readonly string[]): string {
  return files.map((file) => `export * from ${JSON.stringify(join(root, file))};`).join('\n');
}
