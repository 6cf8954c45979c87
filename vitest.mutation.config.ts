import { defineConfig, type UserConfig } from 'vitest/config';
import base from './vite.config.ts';

// The base is a function of the command and mode: called as vitest calls it, so its plugins and setup files come too.
const resolved = (await base({ command: 'serve', mode: 'test' })) as UserConfig;

/**
 * The tests `npm run mutation` runs against each mutant: the layer's own, fast ones, and the check that
 * stately.json is the chart. The model-based paths (each mutant would run all 2,000 of them, ~25 s), browsers,
 * real servers and the fuzz would take hours on two cores.
 */
export default defineConfig({
  ...resolved,
  test: {
    ...resolved.test,
    // Replaces the base's list (mergeConfig would add to it).
    include: ['test/session/**/*.test.{ts,tsx}', 'test/machines/**/*.test.ts'],
  },
});
