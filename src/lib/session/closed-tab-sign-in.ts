import type { AuthFetchClient } from './auth-fetch-client.ts';
import type { SessionSnapshot } from './selectors.ts';
import type { PendingSignIn } from './sign-in-record.ts';
import { takeUpSignIn } from './sign-in-resume.ts';
import type { TabMessage } from './tab-listener.ts';

/** Expired, or its own popup open: the session waits for a sign-in. */
const waitsForSignIn = (s: SessionSnapshot) => s.matches('needsReauth') || s.matches('reauthenticating');
/** The current token's `exp` in ms, as "Not now" tells tokens apart: the chart's end, with the clock offset it is on. */
const tokenExp = ({ context: { expiresAt, clockOffsetMs } }: SessionSnapshot) => (expiresAt === null ? null : expiresAt + clockOffsetMs);

/**
 * What takes up, for `client`, the sign-in of a popup followed here whose tab was closed without a word: the window
 * it opened may still be open (COOP keeps it from the studio), and the user may finish there. Its answer is taken
 * on its channel (the receipt closes that window), never past its deadline: while the session waits for a sign-in,
 * given up for good once it no longer waits (signed in, out, stopped), as its own tab would have; while signed in
 * (the notice's renewal), given up once signed out, stopped or on another token (renewed otherwise), as its own
 * tab's renewal would have been. Its token is posted to the other tabs, as its own tab would have: one that never
 * heard of that sign-in waits too.
 *
 * @example
 * listenToTabs(client, channel, locks, reauthLock, 120_000, ownPopups, restartAll, note, closedTabSignIn(client, name, post));
 */
export function closedTabSignIn(
  client: AuthFetchClient,
  namespace: string,
  post: (message: TabMessage) => void,
): (signIn: PendingSignIn) => void {
  return (signIn) => {
    const now = client.actor.getSnapshot();
    const signOuts = now.context.endedSessions;
    const exp = tokenExp(now);
    // A renewal is wanted until a sign-out (counted), another token or a stop; a sign-in the session waits for, until it waits no more.
    const wanted = waitsForSignIn(now)
      ? waitsForSignIn
      : (s: SessionSnapshot) => s.status === 'active' && s.context.endedSessions === signOuts && tokenExp(s) === exp;
    if (!wanted(now) || !client.signedIn()) return;
    const left = new AbortController();
    const watching = client.actor.subscribe((s) => wanted(s) || left.abort());
    // As another tab's token: not in a tab signed out since, and the account rules for what is held.
    Promise.resolve(takeUpSignIn(signIn, { namespace, signal: left.signal }))
      .then((token) => {
        // Stryker disable next-line ConditionalExpression: null only, which adoptToken refuses (a throw in development, swallowed below) and the other tabs too
        if (!token) return;
        client.adoptToken(token, { whileSignedIn: true });
        post({ type: 'token', token });
      })
      .catch(() => {})
      .finally(
        // Stryker disable next-line ArrowFunction: tidiness only: once settled, aborting the wait as the session moves on changes nothing
        () => watching.unsubscribe(),
      );
  };
}
