import { defineConfig } from 'vitest/config';
import base from './vite.config.ts';

/**
 * The tests `npm run mutation` runs against each mutant: the layer's fast ones. Browsers, real servers and the
 * fuzz would make a mutant cost seconds; what they catch, these catch too or the score says so.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // Replaces the base's list (mergeConfig would add to it).
    include: ['test/session/**/*.test.{ts,tsx}', 'test/model/**/*.test.ts', 'test/app/**/*.test.{ts,tsx}'],
  },
});
