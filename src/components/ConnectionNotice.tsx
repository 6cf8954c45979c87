import { useSelector } from '@xstate/react';
import { useAuth } from '../hooks/use-auth.ts';
import { selectWaitingForNetwork } from '../lib/session/index.ts';

/**
 * A quiet line while the session waits for the network: the backend could
 * not be reached, so the held requests wait to be sent. Not an alert and no
 * button: the user has nothing to do, and it never takes focus. The live
 * region stays mounted (empty while online) so that screen readers announce
 * the line when it appears. Renders under an AuthProvider.
 */
export function ConnectionNotice() {
  const { session, signedIn } = useAuth();
  const offline = useSelector(session.actor, selectWaitingForNetwork);
  // Signed out, nothing is kept: a sign-out gives up what was held, and the sign-in page sends nothing.
  // "Still waiting", not "your work": a write out as the network failed rejected, and its own words beside this say so.
  const line = signedIn ? "You're offline — anything still waiting will be sent when the connection is back." : "You're offline.";
  return (
    <div role="status" className="connection-notice">
      {offline ? <p>{line}</p> : null}
    </div>
  );
}
