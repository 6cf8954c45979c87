import { useSelector } from '@xstate/react';
import { useAuth } from '../hooks/use-auth.ts';
import { useRestoreFocus } from '../hooks/use-restore-focus.ts';
import { selectBannerView, selectReauthProblem, type BannerView } from '../lib/session/index.ts';

const headline: Record<Exclude<BannerView, 'hidden'>, string> = {
  expired: 'Session expired — click to reconnect',
  reconnecting: 'Reconnecting… sign in in the Google window.',
  elsewhere: 'Reconnecting in another tab…',
  coolingDown: 'Sign-in failed several times. Try again in a moment.',
};

/**
 * The one thing a user sees when the session expires: a banner with a
 * Reconnect button that runs Google sign-in in a popup. Rendered from the
 * session's actor; it never takes focus, never navigates, and goes away once
 * the session is back. Your work underneath is untouched.
 *
 * @example
 * <AuthProvider {...wiring}><SessionExpiredBanner /><App /></AuthProvider>
 */
export function SessionExpiredBanner() {
  const { session, refreshSession } = useAuth();
  const view = useSelector(session.actor, selectBannerView);
  const problem = useSelector(session.actor, selectReauthProblem);
  const remember = useRestoreFocus(view !== 'hidden');
  if (view === 'hidden') return null;

  return (
    <div role="alert" className="session-banner" onFocus={remember} onMouseDown={remember}>
      <p>{headline[view]}</p>
      {view === 'expired' && problem ? <p>{problem}</p> : null}
      {/* Another tab's popup is the way back: nothing to press here, not even a disabled button. */}
      {view === 'elsewhere' ? null : (
        <button type="button" onClick={refreshSession} disabled={view !== 'expired'}>
          {view === 'reconnecting' ? 'Reconnecting…' : 'Reconnect'}
        </button>
      )}
    </div>
  );
}
