/**
 * Quiet Session's public API: the framework-free session layer. Everything a
 * page needs is exported here; the rest of this folder (the hold registry,
 * request templates, timeouts, the expiry clock, the browser listeners, the
 * popup message format) is how it works inside and may change.
 */
export type { AuthFetchClient } from './auth-fetch-client.ts';
export { createAuthFetch } from './client.ts';
export type { ReportEntry, SessionReport } from './session-report.ts';
export type { AuthFetch, AuthFetchInit, AuthFetchOptions } from './options.ts';
export {
  AuthExpiredError,
  BodyNotReplayableError,
  NotReplayedError,
  PopupBlockedError,
  PopupCancelledError,
  PopupClosedError,
  PopupTimeoutError,
  QuietSessionError,
  ReauthError,
  type NotSentReason,
} from './errors.ts';
export { createTabSync, type TabLocks, type TabSync, type TabSyncOptions } from './tab-sync.ts';
export {
  openSignInPopup,
  type PopupClosedHint,
  type PopupHost,
  type SignInChannel,
  type SignInPopupOptions,
} from './sign-in-popup.ts';
export { createPopupHints, type PopupHints } from './popup-hints.ts';
export { resumeSignIn } from './sign-in-resume.ts';
export type { SignInStorage } from './sign-in-record.ts';
export { createSignInState } from './popup-message.ts';
export { completeGoogleSignIn, type GoogleCallbackArgs } from './sign-in-callback.ts';
export { lastTokenClaims, readTokenClaims, type TokenClaims } from './token-claims.ts';
export {
  selectBannerView,
  selectExpiresAt,
  selectHeldCount,
  selectReauthProblem,
  selectReminderView,
  selectStateLabel,
  selectWaitingForNetwork,
  selectBackendUnreachable,
  type BannerView,
  type ReminderView,
  type SessionSnapshot,
} from './selectors.ts';
export {
  defaultLimits,
  sessionMachine,
  type HeldRequest,
  type ReauthFailure,
  type SessionLimits,
} from '../../../machines/session.machine.ts';
