import { useSelector } from '@xstate/react';
import { useAuth } from '../hooks/use-auth.ts';
import { useNow } from '../hooks/use-now.ts';
import { useRestoreFocus } from '../hooks/use-restore-focus.ts';
import { selectExpiresAt, selectReminderView } from '../lib/session/index.ts';

/** "in less than a minute", "in 1 minute", "in 4 minutes": whole minutes left, never more than there are. */
function endsIn(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'in less than a minute';
  return minutes === 1 ? 'in 1 minute' : `in ${minutes} minutes`;
}

/**
 * A quiet notice before the session ends, for someone using the page: "Your session ends in 2 minutes"
 * with "Stay signed in" (the sign-in popup, opened inside the click, so the new token arrives before
 * anything is held) and "Not now". The session decides when it shows (never for an idle page, offline,
 * or with the expired banner up): this renders it, and keeps it up, its buttons busy, while the session
 * checks its token before expiry. A status, not an alert; it never takes focus.
 * The live region stays mounted, empty while there is nothing to say, so screen readers announce it.
 * Renders under an AuthProvider.
 */
export function SessionReminder() {
  const { session, clock, dismissReminder, popupHint } = useAuth();
  const chartView = useSelector(session.actor, selectReminderView);
  const expiresAt = useSelector(session.actor, selectExpiresAt);
  // Kept up while the session checks its token, its buttons busy: hidden, it would be read out again and lose the focus.
  const held = chartView === 'checking';
  // A hint while reminding is that of a Stay signed in begun before a reload: its window may still answer.
  const view = held ? 'reminding' : chartView === 'reminding' && popupHint ? 'renewing' : chartView;
  const now = useNow(clock, view === 'reminding' ? 1_000 : null);
  const remember = useRestoreFocus(view !== 'hidden');

  return (
    <div role="status" className="session-reminder" onFocus={remember} onMouseDown={remember}>
      {/* One notice, its first button the same element in both views: pressed from the keyboard, it keeps the focus. */}
      {view === 'hidden' ? null : (
        <div className="notice">
          {view === 'reminding' ? (
            <p>Your session ends {expiresAt === null ? 'soon' : endsIn(expiresAt - now)}</p>
          ) : (
            <p>Finish signing in in the Google window.</p>
          )}
          {view === 'reminding' ? (
            // Busy while held: the session takes no answer until its check is done; aria-disabled keeps the focus.
            <button type="button" onClick={() => held || session.reconnect()} aria-disabled={held || undefined}>
              Stay signed in
            </button>
          ) : (
            // Opened inside this click; while the popup reads closed (COOP may only hide it), the same sign-in, so either window finishes it.
            // A double-click's second click (detail 2) is the same press of Stay signed in: not a Try again that closes its window.
            <button
              type="button"
              onClick={(event) => {
                if (event.detail > 1) return;
                if (popupHint) popupHint.reopen();
                else session.reconnect();
              }}
            >
              Try again
            </button>
          )}
          {view === 'reminding' ? (
            <button type="button" className="link-button" onClick={() => held || dismissReminder()} aria-disabled={held || undefined}>
              Not now
            </button>
          ) : null}
        </div>
      )}
    </div>
  );
}
