import { vi } from 'vitest';

/**
 * Runs `story` with `load`'s module as a production build imports it (`import.meta.env.DEV` false: the development
 * checks and their prose dropped); the development build is back after it, whatever `story` did.
 *
 * @example
 * await inProductionBuild(() => import('../../src/lib/session/index.ts'), async (production) => {
 *   expect(() => production.createAuthFetch(bad)).toThrow(/^allowedOrigins$/);
 * });
 */
export async function inProductionBuild<M>(load: () => Promise<M>, story: (production: M) => Promise<void> | void): Promise<void> {
  vi.stubEnv('DEV', false);
  vi.resetModules();
  try {
    await story(await load());
  } finally {
    vi.unstubAllEnvs();
    vi.resetModules();
  }
}
