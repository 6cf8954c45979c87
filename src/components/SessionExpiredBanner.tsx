import { useSelector } from '@xstate/react';
import { useId, useState } from 'react';
import { useAuth } from '../hooks/use-auth.ts';
import { useRestoreFocus } from '../hooks/use-restore-focus.ts';
import { selectBannerView, selectReauthProblem, type BannerView, type PopupClosedHint } from '../lib/session/index.ts';

const headline: Record<Exclude<BannerView, 'hidden'>, string> = {
  expired: 'Session expired — click to reconnect',
  reconnecting: 'Reconnecting… sign in in the Google window.',
  elsewhere: 'Reconnecting in another tab…',
  coolingDown: 'Sign-in failed several times. Try again in a moment.',
};

/**
 * The one thing a user sees when the session expires: a banner whose Reconnect runs Google sign-in in
 * a popup. It never takes focus nor navigates, and goes once the session is back; while the popup reads
 * closed (closed, or cut off by Google's COOP), or while a sign-in begun before a reload may still answer,
 * it asks to finish in the Google window, with Try again. Renders under an AuthProvider.
 */
export function SessionExpiredBanner() {
  const { session, refreshSession, popupHint } = useAuth();
  const view = useSelector(session.actor, selectBannerView);
  const problem = useSelector(session.actor, selectReauthProblem);
  const headlineId = useId();
  // Another tab's reconnect takes the button away as the banner's going would: focus goes back to the work.
  const remember = useRestoreFocus(view !== 'hidden' && view !== 'elsewhere');
  // Kept until the session moves on (or Try again): the popup clears it a moment before, and the alert would flash.
  const [shownHint, setShownHint] = useState<PopupClosedHint | null>(null);
  // Expired, a hint is that of a sign-in begun before a reload, whose window this page cannot see.
  const hint = view === 'reconnecting' ? (popupHint ?? shownHint) : view === 'expired' ? popupHint : null;
  if (hint !== shownHint) setShownHint(hint);
  if (view === 'hidden') return null;

  if (hint) {
    return (
      <div role="alert" className="session-banner" onFocus={remember} onMouseDown={remember}>
        <p>Finish signing in in the Google window.</p>
        <p>Closed it, or cannot find it? Press Try again.</p>
        {/* A new popup, opened inside this click; the sign-in under way goes on. */}
        <button
          type="button"
          onClick={() => {
            setShownHint(null);
            hint.reopen();
          }}
        >
          Try again
        </button>
      </div>
    );
  }
  return (
    <div role="alert" className="session-banner" onFocus={remember} onMouseDown={remember}>
      <p id={headlineId}>{headline[view]}</p>
      {view === 'expired' && problem ? <p>{problem}</p> : null}
      {/* Another tab's popup is the way back: nothing to press here, not even a disabled button. */}
      {/* Busy, it stays focusable (aria-disabled, a press ignored, the headline saying why): a disabled button drops focus to the page. */}
      {view === 'elsewhere' ? null : (
        <button
          type="button"
          onClick={() => view === 'expired' && refreshSession()}
          aria-disabled={view !== 'expired' || undefined}
          aria-describedby={view === 'expired' ? undefined : headlineId}
        >
          {view === 'reconnecting' ? 'Reconnecting…' : 'Reconnect'}
        </button>
      )}
    </div>
  );
}
