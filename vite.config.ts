import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { stripMachineDescriptions } from './machines/strip-descriptions.ts';

export default defineConfig({
  plugins: [react(), stripMachineDescriptions()],
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    typecheck: { enabled: false },
  },
});
