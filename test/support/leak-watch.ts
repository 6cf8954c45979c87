import { format } from 'node:util';
import { vi } from 'vitest';
import type { AuthFetchClient } from '../../src/lib/auth-fetch.ts';
import { leakText } from './leak-text.ts';

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Watches every place a secret could surface while a story runs: console
 * output, the inspector's payloads (events, snapshots, actions of the session
 * and its child actors), the snapshots a subscriber gets, and the errors the
 * story collects. `findLeaks(secrets)` names each place a secret appeared.
 *
 * @example
 * const watch = watchForLeaks();
 * watch.client(client);
 * watch.errors.push(await call.catch((e) => e));
 * expect(watch.findLeaks([token])).toEqual([]);
 */
export function watchForLeaks() {
  const lines: string[] = [];
  const inspected: string[] = [];
  const errors: unknown[] = [];
  const stops: Array<() => void> = [];
  for (const method of consoleMethods) {
    // Captured, not printed: a log line is exactly what is under test.
    const spy = vi
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void lines.push(`${method}: ${format(...args)} ${leakText(args)}`));
    stops.push(() => spy.mockRestore());
  }
  return {
    lines,
    inspected,
    errors,
    /** Records what the inspector and a subscriber see of `client`'s session from now on. */
    client(client: AuthFetchClient) {
      const inspection = client.actor.system.inspect((event) => void inspected.push(leakText(event)));
      const subscription = client.actor.subscribe({
        next: (snapshot) => void inspected.push(leakText(snapshot), JSON.stringify(client.actor.getPersistedSnapshot())),
        error: (error) => void inspected.push(leakText(error)),
      });
      stops.push(
        () => inspection.unsubscribe(),
        () => subscription.unsubscribe(),
      );
    },
    /** Where each secret showed up; an empty list when none did. Errors are read as a person reads them: name, message, stack, cause. */
    findLeaks(secrets: readonly string[]): string[] {
      const errorTexts = errors.map((e) =>
        e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}\ncause: ${leakText(e.cause)}` : `non-error: ${leakText(e)}`,
      );
      const places: Array<[string, string[]]> = [
        ['console', lines],
        ['inspector', inspected],
        ['error', errorTexts],
      ];
      return places.flatMap(([where, texts]) =>
        texts.flatMap((text) =>
          secrets.filter((secret) => text.includes(secret)).map((secret) => `${where}: …${secret}… in ${text.slice(0, 200)}`),
        ),
      );
    },
    stop: () => {
      for (const stop of stops.splice(0)) stop();
    },
  };
}
