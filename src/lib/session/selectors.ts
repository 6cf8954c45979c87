import type { SnapshotFrom } from 'xstate';
import type { sessionMachine } from '../../../machines/session.machine.ts';
import { stateLabel } from './session-report.ts';

/**
 * A snapshot of the session statechart: what every selector reads. Outside React, draw `client.actor.getSnapshot()`
 * first, then each one `client.actor.subscribe` tells of (it does not replay the current one); examples/session-ui.ts.
 */
export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

/**
 * What the banner shows; a string, so `useSelector` re-renders only when it changes. `expired`: Reconnect opens the
 * popup. `reconnecting`: it is open (Reconnect again closes it and opens another). `elsewhere`: another tab's is open,
 * and `coolingDown`: sign-in failed `reauthAttempts` times in a row and held calls were rejected with
 * AuthExpiredError (`sign-in-given-up`), Reconnect waits `reauthCooldownMs`: in both, `reconnect()` does nothing.
 */
export type BannerView = 'hidden' | 'expired' | 'reconnecting' | 'elsewhere' | 'coolingDown';

/**
 * Which banner the session calls for.
 *
 * @example
 * const view = useSelector(client.actor, selectBannerView); // 'expired'
 */
export function selectBannerView(snapshot: SessionSnapshot): BannerView {
  if (snapshot.matches({ reauthenticating: 'holding' })) return 'reconnecting';
  if (snapshot.matches({ needsReauth: 'elsewhere' })) return 'elsewhere';
  if (snapshot.matches({ needsReauth: 'coolingDown' })) return 'coolingDown';
  return snapshot.matches('needsReauth') ? 'expired' : 'hidden';
}

/**
 * A plain sentence about the last failed reconnect, or null. The typed popup
 * errors (errors.ts) already say what happened and what to do, for
 * people; anything else gets a generic sentence rather than a stack's words.
 *
 * @example
 * const problem = useSelector(client.actor, selectReauthProblem);
 */
export function selectReauthProblem(snapshot: SessionSnapshot): string | null {
  const failure = snapshot.context.lastReauthError;
  if (!failure) return null;
  return /^(Popup|Reauth)/.test(failure.name) ? failure.message : 'Sign-in did not finish. Press Reconnect to try again.';
}

/**
 * The session's state for people: `needsReauth.waiting`, `active`, …
 *
 * @example
 * useSelector(client.actor, selectStateLabel); // 'validating.checking'
 */
export function selectStateLabel(snapshot: SessionSnapshot): string {
  return stateLabel(snapshot.value);
}

/**
 * How many requests the session holds, as the chart knows them: a request held while the session
 * already holds is counted up to a timer turn after authFetch holds it (authFetch tells the chart
 * of those together).
 *
 * @example
 * useSelector(client.actor, selectHeldCount); // 2
 */
export function selectHeldCount(snapshot: SessionSnapshot): number {
  return snapshot.context.queue.length;
}

/**
 * True while the session knows it cannot reach the backend: requests wait, never sent, for `online` or the next
 * probe. Not while that is unconfirmed (`offline.unconfirmed`, `offline.confirming`: a check slower than its first
 * limit, or an old word being asked about), when a slow backend would read as gone. Offline is not expired: this is
 * never the banner's business.
 *
 * @example
 * const offline = useSelector(client.actor, selectWaitingForNetwork); // true
 */
export function selectWaitingForNetwork(snapshot: SessionSnapshot): boolean {
  return snapshot.matches({ offline: 'waiting' }) || snapshot.matches({ offline: 'probing' });
}

/**
 * True from word that the backend cannot be reached (a call cut off, a check past its limit) until it answers again,
 * whatever the session shows meanwhile (the banner, a quiet check): its fall is the backend back.
 *
 * @example
 * const unreachable = useSelector(client.actor, selectBackendUnreachable); // false once it answers
 */
export function selectBackendUnreachable(snapshot: SessionSnapshot): boolean {
  return snapshot.context.unreachable;
}

/** What the notice before expiry shows; a string, so `useSelector` re-renders only when it changes. */
export type ReminderView = 'hidden' | 'reminding' | 'checking' | 'renewing';

/**
 * Whether to ask "Stay signed in?" before the token ends, and whether its popup is open. `checking`: the notice was
 * up and the session asks the backend about its token (`expiryLeadMs` before `exp`, or a 401): keep the notice, its
 * buttons inert (the session takes no answer meanwhile); hidden for that moment, it would flash and be read out again.
 *
 * @example
 * const reminder = useSelector(client.actor, selectReminderView); // 'reminding'
 */
export function selectReminderView(snapshot: SessionSnapshot): ReminderView {
  if (snapshot.matches({ active: 'reminding' })) return 'reminding';
  if (snapshot.matches({ reauthenticating: 'renewing' })) return 'renewing';
  const { reminderShown, reminderDismissed, expiresAt } = snapshot.context;
  // Stryker disable next-line ObjectLiteral: of active's states, only reminding and quiet keep reminderShown
  const checking = snapshot.matches('validating') || snapshot.matches({ active: 'quiet' });
  // The notice of this very token, not said "Not now" to since (another tab may have).
  return checking && reminderShown?.expiresAt === expiresAt && reminderDismissed === false ? 'checking' : 'hidden';
}

/**
 * When the current token expires, on this tab's clock (the backend's, corrected), or null.
 *
 * @example
 * const endsAt = useSelector(client.actor, selectExpiresAt);
 */
export function selectExpiresAt(snapshot: SessionSnapshot): number | null {
  return snapshot.context.expiresAt;
}
