/** @vitest-environment node */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzParameters, sessionProperty, useFuzzTimers } from '../../fuzz/support/fuzz-property.ts';

/**
 * The fuzz of test/fuzz with the one ending it leaves out until the core is
 * fixed: stop() while requests are still out (see stop-while-in-flight.bug.ts).
 * It finds the hang within a few runs today. Once fixed, add
 * 'stopWhileInFlight' to the endings of test/fuzz/session.fuzz.test.ts and
 * delete this file.
 */
useFuzzTimers();

describe('authFetch under random interleavings, stopped with requests in flight', () => {
  it('settles every call', async () => {
    await fc.assert(sessionProperty(['stopWhileInFlight']), fuzzParameters());
  }, 120_000);
});
