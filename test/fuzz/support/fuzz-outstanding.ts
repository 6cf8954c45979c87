import type { SlowAnswer } from './fuzz-slow.ts';

/** A validation or popup the session started and the run has not answered yet. */
export interface Outstanding<T> {
  readonly token: string | null;
  /** On the run's clock. */
  readonly startedAt: number;
  /** How long the session may leave it out, when the run knows (a check's, by the failures before it). */
  readonly deadlineMs?: number;
  /** The signal the session gave it: aborted once the session no longer waits for it. */
  readonly signal: AbortSignal;
  /** What it resolved with, once it did. */
  value?: T;
  /** Answered by the run, or ended by its signal. */
  settled: boolean;
  /**
   * Its signal aborted but it ignores signals (a validate that never passes
   * the signal on to its fetch): the session no longer waits for it, and it
   * may still answer, late.
   */
  abandoned: boolean;
  /** When the backend's answer comes (a slow backend, fuzz-slow.ts): unset, when the run says. */
  answerAt?: number;
  /** What that answer says, when the run said it before its time (else the backend's verdict). */
  says?: SlowAnswer;
  /** Set while it is about to fail at the network (a task later). */
  failing?: boolean;
  resolve(value: T): void;
  reject(error: unknown): void;
  /** Fails a task later with fetch's TypeError, `then` told first (unless it settled, or was given up, meanwhile). */
  failAtTheNetwork(then: () => void): void;
}

/**
 * Starts one: the promise the session gets, and its handle in `list`.
 * `ignoresSignal` makes one that only the session's own deadline can get rid of.
 *
 * @example
 * validate: ({ token, signal }) => startOutstanding({ token, signal, startedAt: clock.now(), ignoresSignal: false, list, onAbort })
 */
export function startOutstanding<T>(args: {
  token: string | null;
  signal: AbortSignal;
  startedAt: number;
  deadlineMs?: number;
  ignoresSignal: boolean;
  list: Array<Outstanding<T>>;
  onAbort: (reason: unknown) => void;
}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const entry: Outstanding<T> = {
      token: args.token,
      startedAt: args.startedAt,
      deadlineMs: args.deadlineMs,
      signal: args.signal,
      settled: false,
      abandoned: false,
      resolve(value) {
        if (entry.settled) return;
        Object.assign(entry, { settled: true, value });
        resolve(value);
      },
      reject(error) {
        if (entry.settled) return;
        entry.settled = true;
        reject(error);
      },
      failAtTheNetwork(then) {
        entry.failing = true;
        setImmediate(() => {
          entry.failing = false;
          if (entry.settled) return;
          // One the session gave up on tells nobody.
          if (!entry.abandoned) then();
          entry.reject(new TypeError('fetch failed'));
        });
      },
    };
    const onAbort = () => {
      if (entry.settled) return;
      args.onAbort(args.signal.reason);
      // Like a real fetch or popup, it ends with the signal, unless it never listens to it.
      if (args.ignoresSignal) entry.abandoned = true;
      else entry.reject(args.signal.reason);
    };
    args.signal.addEventListener('abort', onAbort, { once: true });
    args.list.push(entry);
  });
}

/**
 * The ones the session is waiting for.
 *
 * @example
 * expect(openOf(validations).length).toBeLessThanOrEqual(1);
 */
export const openOf = <T>(list: ReadonlyArray<Outstanding<T>>) => list.filter((entry) => !entry.settled && !entry.abandoned);
