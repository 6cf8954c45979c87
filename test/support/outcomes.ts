import { AuthExpiredError } from '../../src/lib/session/errors.ts';

/**
 * A probe that says whether `promise` has settled, and how, without waiting on time.
 *
 * @example
 * const call = track(client.authFetch(url));
 * expect(call.settled).toBe(false);
 */
export function track<T>(promise: Promise<T>) {
  const state = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/**
 * How a call ended, as a word to compare: `answered <status>`, `AuthExpiredError`, another error's
 * text, or `still pending` when it has not settled within 50 turns of the event loop (no timer: with
 * every fetch answered by then, it settles within a few turns or never will).
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

/**
 * What the process reported unhandled while `run` ran: rejections nobody listened to, errors thrown
 * from listeners (a BroadcastChannel's included).
 *
 * @example
 * expect(await unhandledDuring(async () => { ... })).toEqual([]);
 */
export async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const note = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', note);
  process.on('uncaughtException', note);
  try {
    await run();
  } finally {
    process.off('unhandledRejection', note);
    process.off('uncaughtException', note);
  }
  return seen;
}
