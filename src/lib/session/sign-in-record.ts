import { attempt } from './attempt.ts';

/** The part of a tab's `sessionStorage` the pending sign-in's record uses; tests pass a double. */
export type SignInStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** A popup sign-in under way, as its tab keeps it across a reload: enough to know its answer, never a token. */
export interface PendingSignIn {
  state: string;
  /** When its popup's time limit ends (epoch ms): no answer is waited for after it. */
  deadline: number;
  /** The popup's whole time limit (ms), for what its timeout says; none in a record kept by an older version. */
  limitMs?: number;
}

const keyOf = (namespace = 'quiet-session') => `${namespace}:sign-in`;

/**
 * This tab's pending sign-in, if a well-formed record is kept (expired or not).
 *
 * @example
 * const pending = readSignIn(() => sessionStorage);
 */
export function readSignIn(storage: () => SignInStorage | undefined, namespace?: string): PendingSignIn | undefined {
  // Stryker disable next-line StringLiteral: JSON.parse('') throws, which attempt turns into undefined: no record, as null is
  const record = attempt(() => JSON.parse(storage()?.getItem(keyOf(namespace)) ?? 'null'));
  return typeof record?.state === 'string' && typeof record.deadline === 'number' ? record : undefined;
}

/**
 * Keeps `record` as this tab's pending sign-in, in place of any before it.
 *
 * @example
 * rememberSignIn(() => sessionStorage, undefined, { state, deadline: Date.now() + 120_000, limitMs: 120_000 });
 */
export function rememberSignIn(storage: () => SignInStorage | undefined, namespace: string | undefined, record: PendingSignIn): void {
  attempt(() => storage()?.setItem(keyOf(namespace), JSON.stringify(record)));
}

/**
 * Drops the record of the sign-in started with `state`; a newer sign-in's record stays.
 *
 * @example
 * forgetSignIn(() => sessionStorage, undefined, state);
 */
export function forgetSignIn(storage: () => SignInStorage | undefined, namespace: string | undefined, state: string): void {
  if (readSignIn(storage, namespace)?.state === state) attempt(() => storage()?.removeItem(keyOf(namespace)));
}
