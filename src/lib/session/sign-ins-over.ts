import { attempt } from './attempt.ts';
import { forgetSignIn, type SignInStorage } from './sign-in-record.ts';
import type { PopupHost } from './sign-in-popup.ts';

/** As long as a callback page may still come for a sign-in: the backend keeps its state ten minutes. */
const keptForMs = 10 * 60_000;

const keyOf = (namespace = 'quiet-session') => `${namespace}:sign-ins-over`;

/** The states kept as over, each with when it ended, those ended long ago left out; none where the entry is unreadable. */
function keptOver(s: SignInStorage | undefined, namespace: string | undefined, now: number): Record<string, number> {
  // Stryker disable next-line OptionalChaining: without storage the throw is read as no entry by isSignInOver's attempt, and markSignInOver never gets here
  const text = s?.getItem(keyOf(namespace));
  // Stryker disable next-line StringLiteral: '' is no JSON, which attempt reads as none, as it does '{}'
  const kept: unknown = attempt(() => JSON.parse(text ?? '{}'));
  return Object.fromEntries(
    // Object.entries reads any value but null (JSON has no undefined); a number or a string has no number-valued entry.
    Object.entries(kept ?? {}).filter(([, at]) => typeof at === 'number' && now - at < keptForMs),
  );
}

/**
 * Keeps, in the origin's localStorage, that the window waiting for the sign-in `state` is done with it (answered or
 * given up): a callback page for it then says so at once, where it would wait in vain for a receipt.
 *
 * @example
 * markSignInOver(() => localStorage, undefined, state);
 */
export function markSignInOver(
  storage: () => SignInStorage | undefined,
  namespace: string | undefined,
  state: string,
  now = Date.now(),
): void {
  attempt(() => {
    const s = storage();
    // Stryker disable next-line OptionalChaining: without storage the throw is swallowed by attempt, as nothing is kept either way
    s?.setItem(keyOf(namespace), JSON.stringify({ ...keptOver(s, namespace, now), [state]: now }));
  });
}

/**
 * True when the window that waited for the sign-in `state` is done with it.
 *
 * @example
 * if (isSignInOver(() => localStorage, undefined, state)) say('The studio stopped waiting for this sign-in.');
 */
export function isSignInOver(
  storage: () => SignInStorage | undefined,
  namespace: string | undefined,
  state: string,
  now = Date.now(),
): boolean {
  return attempt(() => Object.hasOwn(keptOver(storage(), namespace, now), state)) === true;
}

/**
 * Ends the sign-in `state` in this tab for good: its record goes, and a callback page for it says at once that nobody waits.
 *
 * @example
 * endSignIn(window, undefined, state);
 */
export function endSignIn(host: Pick<PopupHost, 'sessionStorage' | 'localStorage'>, namespace: string | undefined, state: string): void {
  forgetSignIn(() => host.sessionStorage, namespace, state);
  markSignInOver(() => host.localStorage, namespace, state);
}
