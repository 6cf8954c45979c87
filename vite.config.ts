import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { stripMachineDescriptions } from './machines/strip-descriptions.ts';
import { consentPageCoop } from './src/mocks/consent-coop-plugin.ts';

export default defineConfig({
  plugins: [react(), stripMachineDescriptions(), consentPageCoop()],
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    // One seed for every property (fast-check): fixed unless FUZZ_SEED says otherwise.
    setupFiles: ['test/support/fuzz-seed.setup.ts'],
    typecheck: { enabled: false },
  },
});
