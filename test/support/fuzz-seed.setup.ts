import fc from 'fast-check';
import { seedFrom } from './fuzz-settings.ts';

// vitest's setupFiles: every property of the suite runs on the seed FUZZ_SEED asks for (fixed when unset).
fc.configureGlobal({ seed: seedFrom(process.env.FUZZ_SEED) });
