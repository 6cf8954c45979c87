import type { SessionSnapshot } from './session-view.ts';

/**
 * True while the session cannot reach the backend to validate
 * (`validating.offline`): held requests wait for `online` or the backoff.
 * Offline is not expired: this is never the banner's business.
 *
 * @example
 * const offline = useSelector(client.actor, selectWaitingForNetwork); // true
 */
export function selectWaitingForNetwork(snapshot: SessionSnapshot): boolean {
  return snapshot.matches({ validating: 'offline' });
}
