import type { SnapshotFrom } from 'xstate';
import type { sessionMachine } from '../../machines/session.machine.ts';

/** A snapshot of the session statechart. */
export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

/** What the banner shows; a string, so `useSelector` re-renders only when it changes. */
export type BannerView = 'hidden' | 'expired' | 'reconnecting' | 'elsewhere' | 'coolingDown';

/** The child state of `needsReauth`, if the chart has one (read loosely: the chart may grow). */
function needsReauthChild(snapshot: SessionSnapshot): string | null {
  const value = snapshot.value as unknown;
  if (typeof value !== 'object' || value === null) return null;
  const child = (value as Record<string, unknown>).needsReauth;
  return typeof child === 'string' ? child : null;
}

/**
 * Which banner the session calls for.
 *
 * @example
 * const view = useSelector(client.actor, selectBannerView); // 'expired'
 */
export function selectBannerView(snapshot: SessionSnapshot): BannerView {
  if (snapshot.matches('reauthenticating')) return 'reconnecting';
  if (!snapshot.matches('needsReauth')) return 'hidden';
  const child = needsReauthChild(snapshot);
  if (child === 'elsewhere') return 'elsewhere';
  if (child === 'coolingDown') return 'coolingDown';
  return 'expired';
}

const problems: Record<string, string> = {
  PopupBlockedError: 'Your browser blocked the sign-in window. Allow pop-ups for this site, then press Reconnect.',
  PopupClosedError: 'The sign-in window was closed before you signed in. Press Reconnect to try again.',
  PopupTimeoutError: 'Signing in took too long. Press Reconnect to try again.',
};

/**
 * A plain sentence for a failed sign-in, keyed by the typed error's name
 * (auth-errors.ts sets literal names, so they survive minification), so the
 * wording is the app's whatever the error's own message says.
 *
 * @example
 * reauthProblemMessage('PopupClosedError'); // 'The sign-in window was closed before you signed in. …'
 */
export function reauthProblemMessage(errorName: string, action = 'Reconnect'): string {
  const message = problems[errorName] ?? 'Signing in did not finish. Press Reconnect to try again.';
  return message.replace('Reconnect', action);
}

/**
 * A plain sentence about the last failed reconnect, or null.
 *
 * @example
 * const problem = useSelector(client.actor, selectReauthProblem);
 */
export function selectReauthProblem(snapshot: SessionSnapshot): string | null {
  const failure = snapshot.context.lastReauthError;
  return failure ? reauthProblemMessage(failure.name) : null;
}

/**
 * The session's state for people: `needsReauth.waiting`, `active`, …
 *
 * @example
 * useSelector(client.actor, selectStateLabel); // 'validating.checking'
 */
export function selectStateLabel(snapshot: SessionSnapshot): string {
  const walk = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Object.entries(value as Record<string, unknown>)
          .map(([key, child]) => `${key}.${walk(child)}`)
          .join(', ');
  return walk(snapshot.value);
}

/**
 * How many requests the session holds.
 *
 * @example
 * useSelector(client.actor, selectHeldCount); // 2
 */
export function selectHeldCount(snapshot: SessionSnapshot): number {
  return snapshot.context.queue.length;
}
