import { loadEnv } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { stripMachineDescriptions } from './machines/strip-descriptions.ts';
import { consentPageCoop } from './src/mocks/consent-coop-plugin.ts';

export default defineConfig(({ command, mode }) => {
  // public/ holds msw's worker only: a build without the mocks (production, or a real backend named) ships none of it.
  const mocksLeftOut = command === 'build' && (mode === 'production' || !!loadEnv(mode, process.cwd(), 'VITE_').VITE_API_BASE_URL);
  return {
    plugins: [react(), stripMachineDescriptions(), consentPageCoop()],
    publicDir: mocksLeftOut ? false : 'public',
    test: {
      include: ['test/**/*.test.{ts,tsx}'],
      environment: 'node',
      // One seed for every property (fast-check): fixed unless FUZZ_SEED says otherwise.
      setupFiles: ['test/support/fuzz-seed.setup.ts', 'test/support/patient-waits.setup.ts'],
      // A poll on state is no timed assertion either: the test's own time, not 1 s.
      expect: { poll: { timeout: 4_000 } },
      typecheck: { enabled: false },
    },
  };
});
