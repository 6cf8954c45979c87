import { defineConfig } from 'vitest/config';
import base from './vite.config.ts';

/**
 * The tests `npm run mutation` runs against each mutant: the layer's own, fast ones, and the check that
 * stately.json is the chart. The model-based paths (each mutant would run all 2,000 of them, ~25 s), browsers,
 * real servers and the fuzz would take hours on two cores.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // Replaces the base's list (mergeConfig would add to it).
    include: ['test/session/**/*.test.{ts,tsx}', 'test/machines/**/*.test.ts'],
  },
});
