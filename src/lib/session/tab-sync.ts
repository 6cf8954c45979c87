import { attempt } from './attempt.ts';
import type { AuthFetchClient } from './auth-fetch-client.ts';
import { closedTabSignIn } from './closed-tab-sign-in.ts';
import { createDeadlines } from './deadlines.ts';
import { DEV } from './dev.ts';
import type { AuthFetchOptions } from './options.ts';
import { readSignIn, type SignInStorage } from './sign-in-record.ts';
import { createSharedAnswers } from './tab-answers.ts';
import { listenToTabs, type TabMessage } from './tab-listener.ts';
import type { TabLocks } from './tab-locks.ts';
import { createOwnSignIns } from './tab-sign-ins.ts';
import { assertTabSyncOptions, type TabSyncOptions } from './tab-sync-options.ts';
import { createTabValidation } from './tab-validation.ts';

export type { TabLocks } from './tab-locks.ts';
export type { TabSyncOptions } from './tab-sync-options.ts';

/** What `createTabSync` gives: `validate` and `reauthenticate` for `createAuthFetch`, and what binds the tabs. */
export interface TabSync {
  /** Wraps `validate` so that a burst of 401s in N tabs sends one validation. */
  validate: AuthFetchOptions['validate'];
  /** Wraps `reauthenticate` so that one tab at a time runs the popup, and the others know. */
  reauthenticate: AuthFetchOptions['reauthenticate'];
  /**
   * Binds the session once it exists: adopts tokens from other tabs, follows their popups and the notice's "Not now",
   * one said for this token before this tab listened included, and asks the backend at once, when holding calls
   * offline, once another tab heard it. Returns an undo; connecting again after it (React StrictMode's double mount,
   * HMR) hears the other tabs again. A session stopped for good is undone alone.
   */
  connect(client: AuthFetchClient): () => void;
  /** "Not now" on the notice before expiry, here and in every other tab, open now or opened later for this token. */
  dismissReminder(): void;
  /**
   * A sign-in this tab waits for without `reauthenticate` (one `resumeSignIn` took up after a reload): the other
   * tabs follow it as this tab's popup ("Reconnecting in another tab…", no second popup), then adopt its token
   * with the connected session, or tell it why it failed (its banner says so). Resolves with the token; rejects as
   * `signIn` does. Once `signal` aborts (signed out), its token is nobody's, and its failure nobody's business.
   */
  adoptSignIn(signIn: Promise<string>, signal: AbortSignal): Promise<string>;
}

/**
 * One session for every tab of the app. A token obtained in any tab is
 * adopted by the others, which leave `needsReauth` and replay their held
 * requests with it. Only one tab runs the popup at a time (a Web Lock held
 * while it is open); the others show "Reconnecting in another tab…", and take
 * over if that tab closes mid-flight (its lock is released) or never finishes
 * (`popupTimeoutMs`). Validation is single-flight across tabs: the first tab
 * asks, the others reuse its answer. No tab waits for a lock without a bound.
 *
 * @example
 * const sync = createTabSync({ validate, reauthenticate: popup });
 * const session = createAuthFetch({ ...options, validate: sync.validate, reauthenticate: sync.reauthenticate });
 * sync.connect(session);
 */
export function createTabSync(inner: Pick<AuthFetchOptions, 'validate' | 'reauthenticate'>, options: TabSyncOptions = {}): TabSync {
  // Stryker disable next-line ConditionalExpression: DEV is true under test, and a production build drops the check
  if (DEV) assertTabSyncOptions(inner, options);
  const name = options.name ?? 'quiet-session';
  const locks = options.locks ?? (globalThis.navigator as { locks?: TabLocks } | undefined)?.locks;
  const lockMs = options.lockTimeoutMs ?? 3_000;
  const reauthLock = `${name}:reauth`;
  // None where reading the page's localStorage throws (cookies blocked, a sandboxed frame: SecurityError).
  const storage = options.storage ?? attempt(() => (globalThis as { localStorage?: Storage }).localStorage);
  const open = () => (typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null);
  /** The channel of the current connection; each connect opens its own, so an undo (StrictMode, HMR) closes only its own. */
  let channel: BroadcastChannel | null = null;
  /** The connected session: where the report's notes go. */
  let session: AuthFetchClient | null = null;
  // On the connected session's clock: a test clock and the system's would disagree on an answer's age and the token's exp.
  const answers = createSharedAnswers({ name, locks, storage, ttl: options.answerTtlMs ?? 5_000, now: () => session?.now() ?? Date.now() });
  // Another tab's word that it is still asking the backend gives every wait for its validation lock lockMs again.
  const patience = createDeadlines(lockMs);
  const note = (event: string, detail?: string) => session?.note(event, detail);
  /** Where "Not now" is kept for a tab opened or reloaded later: the `exp` of the token it was said for, never the token. */
  // Stryker disable next-line StringLiteral: any key written and read alike keeps it; '' collides with none of ours
  const dismissedKey = `${name}:dismissed`;
  const post = (message: TabMessage) => {
    // Between an undo and the next connect, a channel of the moment still tells the other tabs (and a closed one would throw).
    const via = channel ?? open();
    via?.postMessage(message);
    // Stryker disable next-line OptionalChaining: via differs from channel only when open() gave a channel, so it is never null here
    if (via !== channel) via?.close();
  };
  // This tab's popup sign-in, as openSignInPopup keeps it (under tab sync's name, as the app's namespace), to tell with its lock.
  const pending = () => readSignIn(() => (globalThis as { sessionStorage?: SignInStorage }).sessionStorage, name);
  const { announced, ownPopups } = createOwnSignIns({ locks, reauthLock, lockMs, post, note, pending });
  return {
    validate: createTabValidation(inner, name, locks, lockMs, answers, patience, post, note, () => session),

    reauthenticate(args) {
      // Runs in the click, so the popup opens before any await. Its answer as a promise: one with no `return` is no token, not a TypeError here.
      return announced(Promise.resolve(inner.reauthenticate(args)), args.signal);
    },

    connect(client) {
      // "Not now" said for this very token before this tab listened (it opened, or reloaded, since): it holds here too.
      // Stryker disable next-line OptionalChaining: no storage throws inside attempt(), which answers undefined alike
      const said = Number(attempt(() => storage?.getItem(dismissedKey)) ?? Number.NaN);
      // For that token only: a tab remounted since may hold the next one, whose notice is another question.
      if (Number.isFinite(said)) client.dismissReminder({ exp: said });
      const own = open();
      channel = own;
      session = client;
      const undo = listenToTabs(
        client,
        own,
        locks,
        reauthLock,
        options.popupTimeoutMs ?? 120_000,
        ownPopups,
        patience.restartAll,
        note,
        closedTabSignIn(client, name, post),
      );
      let stopping: { unsubscribe(): void } | undefined;
      let connected = true;
      // Once only (stopped, then undone; an undo run twice): a second run would let go of this session's next connection.
      const disconnect = () => {
        if (!connected) return;
        connected = false;
        stopping?.unsubscribe();
        undo();
        own?.close();
        if (channel === own) channel = null;
        if (session === client) session = null;
      };
      // Stopped for good, the session hears no tab any more: its channel and listeners go with it, undone or not.
      stopping = client.actor.subscribe({ complete: disconnect });
      return disconnect;
    },

    dismissReminder() {
      session?.dismissReminder();
      // The exp of the token it was said for, as the session kept it: the other tabs apply it to that token only.
      const said = session?.actor.getSnapshot().context.reminderDismissed;
      const exp = said ? said.exp : undefined;
      // Stryker disable next-line ConditionalExpression,OptionalChaining: no storage throws inside attempt()
      if (typeof exp === 'number') attempt(() => storage?.setItem(dismissedKey, String(exp)));
      post({ type: 'reminder.dismissed', ...(exp !== undefined && { exp }) });
    },

    adoptSignIn(signIn, signal) {
      return announced(signIn, signal).then(
        (token) => {
          if (!signal.aborted) session?.adoptToken(token);
          return token;
        },
        (error: unknown) => {
          // Given up (signed out, another token) is no failed sign-in: the banner says why only of one that failed.
          if (!signal.aborted) session?.signInFailed(error);
          throw error;
        },
      );
    },
  };
}
