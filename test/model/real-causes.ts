import type { SnapshotFrom } from 'xstate';
import { isTryLaterFailure, type sessionMachine } from '../../machines/session.machine.ts';
import type { AuthFetchInit } from '../../src/lib/auth-fetch.ts';
import { AuthExpiredError, NotReplayedError, PopupClosedError } from '../../src/lib/session/errors.ts';
import { popupReopened } from '../../src/lib/session/popup-reopened.ts';
import { API } from '../support/fake-backend.ts';
import { heldReason, timerOf, type ModelEvent } from './model-events.ts';
import { leadMs } from './real-tokens.ts';
import { modelLimits } from './session-model.ts';
import type { Harness } from './real-session.ts';
import { activityEveryMs, pageUsed, planTimer } from './real-timers.ts';

type Snapshot = SnapshotFrom<typeof sessionMachine>;
/** One step of a path: the event between two states, the one after it, and the calls to send before it. */
export interface Step {
  before: Snapshot;
  event: ModelEvent;
  state: Snapshot;
  next: ModelEvent | undefined;
  /** Calls the holding stretch this step starts answers at the backend (401s, `Date`s): sent before it. */
  pool: AuthFetchInit[];
}

/** Which of two real ways a signal comes this time: both are the browser's. */
let alternate = 0;

/** Causes the model's event for real: the token and the clock set up first, then the one thing a user, tab, network or backend does. */
export async function cause(h: Harness, step: Step): Promise<void> {
  const act = plan(h, step);
  if (step.pool.length) await h.launchPool(step.pool);
  await act();
}

function plan(h: Harness, { before, event, state, next }: Step): () => unknown {
  const { clock, tokens, store, client } = h;
  const now = clock.now();
  if (timerOf(event)) return planTimer(h, event, next);
  // A step that (re)enters `active` arms its timers from the token it finds: one that suits the next timer.
  const arming = state.matches({ active: 'quiet' });
  const tokenForNext = () => tokens.forQuiet(null, now, next);
  const mintedByStep = ['token.adopted', 'xstate.done.actor.reauthenticate', 'clock.observed'].includes(event.type);
  if (arming && !mintedByStep) store.token = tokens.forQuiet(store.token, now, next);
  if (state.matches({ reauthenticating: 'renewing' }) && event.type === 'reauth.requested') {
    store.token = tokens.forRenewing(store.token, now, next, modelLimits[h.kind].reauthTimeoutMs);
  }
  /** A token that starts expiring a second from now, after the calls of the pool are out with it. */
  const expiringSoon = (then: () => unknown) => {
    store.token = tokens.mint(tokens.serverAt(now) + leadMs + 1_000);
    return () => {
      clock.wait(1_000);
      return then();
    };
  };
  const sending = h.sendsIn(before);
  switch (event.type) {
    case 'request.held': {
      if (heldReason(event) === 'unsent') return sending ? expiringSoon(() => h.call(false)) : () => h.call(false);
      // Sending, a fresh call meets the 401; holding, only one already out can.
      return async () => {
        const made = sending ? h.call(true) : h.pool.shift()!;
        await made.reached;
        made.open!(401);
      };
    }
    case 'token.rejected':
      // A call that must not be sent twice meets a 401: its caller is told, and the session checks the token.
      return async () => {
        const made = h.call(true, { replay: false });
        await made.reached;
        made.open!(401);
        await h.expectOutcome(made, { rejects: NotReplayedError });
      };
    case 'request.aborted':
      return async () => {
        const url = client.actor.getSnapshot().context.queue[0]!.url;
        const held = h.heldCalls(client.actor.getSnapshot()).find((c) => `${API}${c.path}` === url)!;
        held.controller.abort();
        await h.expectOutcome(held, { rejects: Error });
      };
    case 'reauth.requested':
      return client.reconnect;
    case 'reauth.reopened':
      // The popup's Try again (openSignInPopup's reopen), in the sign-in the session's signal names.
      return () => popupReopened(h.reauths.at(-1)!.signal);
    case 'reauth.startedElsewhere':
    case 'reauth.endedElsewhere':
      return () => client.reconnectingElsewhere(event.type === 'reauth.startedElsewhere');
    case 'backend.answeredElsewhere':
      // Another tab's check got the backend's answer: tab sync's listener tells the session so.
      return () => client.backendAnsweredElsewhere();
    case 'reauth.failed':
      // A sign-in resumed after a reload failed: tab sync's adoptSignIn tells the session so.
      return () => client.signInFailed(event.error);
    case 'reminder.dismissed':
      return client.dismissReminder;
    case 'token.adopted':
      // Another tab's new token: one minted in the same instant would end when the current one does, and "Not now" would hold.
      // Expiring: as near its end as this one, which the session asks about before using it.
      return () =>
        client.adoptToken(
          tokens.another('expiring' in event ? tokens.mint(tokens.serverAt(now) + leadMs / 2) : tokenForNext(), store.token, now),
        );
    case 'network.offline':
      // The browser says so, or a write finds the backend unreachable (that call rejects as fetch did); where calls
      // are held, only the browser can say so.
      if (!sending || alternate++ % 2) return () => window.dispatchEvent(new Event('offline'));
      return async () => {
        h.backend.network.down = true;
        await h.expectOutcome(h.call(false, { method: 'POST' }), { rejects: TypeError });
        h.backend.network.down = false;
      };
    case 'network.online':
      return () => window.dispatchEvent(new Event('online'));
    case 'tab.visible': {
      const shown = () =>
        alternate++ % 2 ? window.dispatchEvent(new Event('focus')) : document.dispatchEvent(new Event('visibilitychange'));
      if (event.expiring) return expiringSoon(shown);
      // Not expiring: the timers are armed afresh (they may have slept), renewing's for the path's next timer.
      if (state.matches({ reauthenticating: 'renewing' }))
        store.token = tokens.forRenewing(store.token, now, next, modelLimits[h.kind].reauthTimeoutMs);
      return shown;
    }
    case 'user.active':
      if (now - h.activity.told < activityEveryMs) throw new Error('the page was used too recently for the chart to hear it again');
      return () => pageUsed(h, 'keydown');
    case 'clock.observed':
      // The backend's `Date` is read on every 401: one that the session does not hold for.
      return async () => {
        // Sending: a call out with a token another tab just replaced (sent again); holding: one not to send twice.
        const made = sending ? h.call(true) : h.pool.shift()!;
        await made.reached;
        // Ahead by 10 minutes, or back in step; a little ahead while renewing, whose expiry timer is not armed again
        // (a 401 sent untimed, as one out in renewing is, may have come late: it shows the backend ahead only).
        const current = client.actor.getSnapshot().context.clockOffsetMs;
        const offset = before.matches({ reauthenticating: 'renewing' }) ? current + 3_000 : Math.abs(current) > 1_000 ? 0 : event.offsetMs;
        // A notice back where it was (up, or Not now) keeps the token's time left on the backend's new clock.
        const exp = tokens.expOf(store.token);
        // Another tab's token, which a "Not now" said here is not about.
        if (sending)
          store.token = tokens.another(
            arming ? tokens.forQuiet(store.token, now, next) : tokens.mint(exp === null ? null : exp + offset - current),
            store.token,
            now,
          );
        made.open!(401, { date: new Date(clock.now() + offset).toUTCString() });
        await h.expectOutcome(made, sending ? { status: 200 } : { rejects: NotReplayedError });
      };
    case 'session.ended':
      return async () => {
        // The app signs the user out: every held caller is told at once, with AuthExpiredError.
        const held = h.heldCalls(client.actor.getSnapshot());
        client.endSession();
        for (const c of held) await h.expectOutcome(c, { rejects: AuthExpiredError });
      };
    case 'session.stopped':
      return client.stop;
    case 'xstate.done.actor.validateSession':
    case 'xstate.done.actor.probeSession':
      return () => h.validations.at(-1)!.resolve(event.output);
    case 'xstate.done.actor.reauthenticate':
      return () => h.reauths.at(-1)!.resolve(tokenForNext());
    case 'xstate.error.actor.reauthenticate':
      // Google busy as the model says it; any other failure, the popup closed.
      return () => h.reauths.at(-1)!.reject(isTryLaterFailure(event.error) ? event.error : new PopupClosedError());
    default:
      // validateSession's or probeSession's error: a TypeError is the network's, any other the backend's. A
      // backend that errs about a token past its exp: the token that is out had expired a second ago.
      if ((event as { pastExp?: boolean }).pastExp) store.token = tokens.mint(tokens.serverAt(now) - 1_000);
      return () => h.validations.at(-1)!.reject((event as { error: Error }).error);
  }
}
