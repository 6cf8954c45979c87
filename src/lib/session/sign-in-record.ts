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
 * `use` of the storage, or nothing where there is none or it throws (storage blocked, full): then no resume, nothing worse.
 *
 * @example
 * const kept = using(() => sessionStorage, (s) => s.getItem('key'));
 */
export function using<T>(storage: () => SignInStorage | undefined, use: (s: SignInStorage) => T): T | undefined {
  try {
    // Stryker disable BlockStatement: an emptied catch returns undefined all the same
    const s = storage();
    return s ? use(s) : undefined;
  } catch {
    return undefined;
  }
}
// Stryker restore BlockStatement

/**
 * This tab's pending sign-in, if a well-formed record is kept (expired or not).
 *
 * @example
 * const pending = readSignIn(() => sessionStorage);
 */
export function readSignIn(storage: () => SignInStorage | undefined, namespace?: string): PendingSignIn | undefined {
  // Stryker disable next-line StringLiteral: JSON.parse('') throws, which using turns into undefined: no record, as null is
  const record = using(storage, (s) => JSON.parse(s.getItem(keyOf(namespace)) ?? 'null'));
  return typeof record?.state === 'string' && typeof record.deadline === 'number' ? record : undefined;
}

/**
 * Keeps `record` as this tab's pending sign-in, in place of any before it.
 *
 * @example
 * rememberSignIn(() => sessionStorage, undefined, { state, deadline: Date.now() + 120_000, limitMs: 120_000 });
 */
export function rememberSignIn(storage: () => SignInStorage | undefined, namespace: string | undefined, record: PendingSignIn): void {
  using(storage, (s) => s.setItem(keyOf(namespace), JSON.stringify(record)));
}

/**
 * Drops the record of the sign-in started with `state`; a newer sign-in's record stays.
 *
 * @example
 * forgetSignIn(() => sessionStorage, undefined, state);
 */
export function forgetSignIn(storage: () => SignInStorage | undefined, namespace: string | undefined, state: string): void {
  if (readSignIn(storage, namespace)?.state === state) using(storage, (s) => s.removeItem(keyOf(namespace)));
}
