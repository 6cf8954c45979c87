import { AuthExpiredError } from '../../../src/lib/session/errors.ts';

/**
 * How a call ended, as a word to compare: `answered <status>`,
 * `AuthExpiredError`, another error's text, or `still pending` when it has not
 * settled within 50 turns of the event loop (no timer: with every fetch
 * answered by then, it settles within a few turns or never will).
 *
 * @example
 * expect(await callOutcome(client.authFetch(url))).toBe('AuthExpiredError');
 */
export async function callOutcome(call: Promise<Response>): Promise<string> {
  return Promise.race([
    call.then(
      (response) => `answered ${response.status}`,
      (error: unknown) => (error instanceof AuthExpiredError ? 'AuthExpiredError' : String(error)),
    ),
    (async () => {
      for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
      return 'still pending';
    })(),
  ]);
}
