import type { ActorRefFrom } from 'xstate';
import type { sessionMachine } from '../../../machines/session.machine.ts';
import type { AuthFetch } from './options.ts';
import type { SessionReport } from './session-report.ts';

/** One session: its fetch, its actor, and what the banner and the app can ask of it. */
export interface AuthFetchClient {
  /** A drop-in `fetch` (plus `replay: false` for calls that must not be sent twice); works when taken off the client. */
  authFetch: AuthFetch;
  /** The running session statechart: the selectors read its snapshots (`useSelector`, or `subscribe` after `getSnapshot()`). */
  actor: ActorRefFrom<typeof sessionMachine>;
  /**
   * The banner's Reconnect and the notice's "Stay signed in": opens the sign-in popup (again, if one is
   * already open). Call it inside the click handler (popup blockers). Heard while the banner is `expired`, the
   * notice `reminding`, or a popup open; otherwise (BannerView `elsewhere`, `coolingDown`, ReminderView `checking`)
   * it does nothing.
   */
  reconnect: () => void;
  /**
   * The notice's "Not now" in this tab: no reminder until the next token. With `exp`, said for the token with that `exp`
   * only (tab sync's). With `createTabSync`, call its `dismissReminder` instead: every tab's notice goes.
   */
  dismissReminder: (forToken?: { exp: number | null }) => void;
  /**
   * Adopts a token obtained elsewhere (a fresh sign-in, another tab): stores it
   * and, if requests are held, lets them go with it. With `whileSignedIn` (another tab's Reconnect), only while
   * a token is stored here (a tab signed out since is not signed in again by it), and only if issued no earlier than that
   * one (by `iat`, else or in a tie `exp` for the same account) unless the backend refused it. One the backend refused here, or is being
   * asked about, is ignored.
   */
  adoptToken: (token: string, options?: { whileSignedIn?: boolean }) => void;
  /**
   * A sign-in the session did not run (one `resumeSignIn` took up after a reload; tab sync's `adoptSignIn` says so)
   * failed: expired, the banner says why, as after its own popup.
   */
  signInFailed: (error: unknown) => void;
  /**
   * The user signed out (here, or in another tab): held requests are given up with AuthExpiredError,
   * never replayed with the next user's token, and none out is sent again. The session goes on. With `whileSignedOut`
   * (another tab's word), only while no token is stored here: one stored since is a newer session's, which it does not end.
   */
  endSession: (options?: { whileSignedOut?: boolean }) => void;
  /** Another tab opened (true) or closed (false) the sign-in popup: the banner follows it. */
  reconnectingElsewhere: (reconnecting: boolean) => void;
  /** Another tab's check got the backend's answer: a session holding calls offline asks now, not after its backoff. */
  backendAnsweredElsewhere: () => void;
  /** Whether a token is stored now (`getToken` gives one): false once the app signed the user out. */
  signedIn: () => boolean;
  /** Stops the session for good: every held request rejects with AuthExpiredError, later calls too; every listener and timer goes. */
  stop: () => void;
  /**
   * What the session did lately (its last few hundred events, validations, popups, tab-sync notes), ready for
   * JSON.stringify: for a bug report or the dev panel. Never a token, a URL, a header value or a body.
   */
  report: () => SessionReport;
  /** Adds a line to the report (tab sync's messages and lock waits, or your own adapter's): words, never secrets. */
  note: (event: string, detail?: string) => void;
  /** The session's time, in ms: the `clock` option's when it has `now()` (a test clock), else `Date.now()`. */
  now: () => number;
}
