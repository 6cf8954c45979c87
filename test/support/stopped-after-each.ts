import { afterEach } from 'vitest';

/**
 * A list for the `stop` of each session a test starts: all of them are called after each test.
 *
 * @example
 * const stops = stoppedAfterEach();
 * stops.push(createAuthFetch(options).stop);
 */
export function stoppedAfterEach(): Array<() => void> {
  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });
  return stops;
}
