import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vite.config.ts';

/**
 * The tests `npm run mutation` runs against each mutant: the layer's fast ones. Browsers, real servers and the
 * fuzz would make a mutant cost seconds; what they catch, these catch too or the score says so.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['test/session/**/*.test.{ts,tsx}', 'test/core/**/*.test.{ts,tsx}', 'test/hardening/**/*.test.ts', 'test/model/**/*.test.ts', 'test/app/**/*.test.{ts,tsx}'],
    },
  }),
);
