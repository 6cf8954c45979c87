import { defineConfig } from 'vitest/config';

/**
 * Repros of core bugs found by the hardening and fuzz work, kept out of
 * `npm test` (which stays green) until the core is fixed:
 *   npx vitest run -c test/hardening/known-bugs/vitest.config.ts
 * Each file fails today; once its fix lands, rename it to `*.test.ts` so the
 * main suite keeps it.
 */
export default defineConfig({
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['test/hardening/known-bugs/*.bug.ts'],
    environment: 'node',
  },
});
