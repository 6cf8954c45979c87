import { vi } from 'vitest';

// A wait on state is no timed assertion: on a loaded machine it gets the time a test has, not the 1 s of vitest and Testing Library.
const patientMs = 4_000;
const waitFor = vi.waitFor;
vi.waitFor = ((callback, options) =>
  waitFor(callback, typeof options === 'number' ? options : { timeout: patientMs, ...options })) as typeof vi.waitFor;
// Only where there is a page to render into (the app's tests run in happy-dom).
if (typeof document !== 'undefined') {
  const { configure } = await import('@testing-library/react');
  configure({ asyncUtilTimeout: patientMs });
}
