import { abortOf, eitherSignal } from './either-signal.ts';
import { onPopupReopened } from './popup-reopened.ts';
import type { PendingSignIn } from './sign-in-record.ts';
import type { TabMessage } from './tab-listener.ts';
import { underLock, type TabLocks } from './tab-locks.ts';

/** What this tab's sign-ins need to tell the other tabs: the re-auth lock, and the channel. */
interface OwnSignInParts {
  locks: TabLocks | undefined;
  reauthLock: string;
  lockMs: number;
  post: (message: TabMessage) => void;
  note: (event: string, detail?: string) => void;
  /** This tab's popup sign-in as its record says (state, deadline), told with its lock: should this tab close, another takes its answer. */
  pending: () => PendingSignIn | undefined;
}

/**
 * This tab's sign-ins, told to the other tabs: `announced` holds the re-auth lock while one is out and posts its token;
 * `ownPopups` says how many holds of that lock are this tab's.
 *
 * @example
 * const { announced } = createOwnSignIns({ locks, reauthLock, lockMs, post, note, pending: () => readSignIn(() => sessionStorage) });
 * const token = await announced(popupSignIn, signal);
 */
export function createOwnSignIns({ locks, reauthLock, lockMs, post, note, pending }: OwnSignInParts) {
  /** How many holds of the re-auth lock for this tab's own popups are out (held or waited for): a lock held then may be ours. */
  let ownPopups = 0;
  /**
   * The re-auth lock held (or waited for) for this tab's own sign-ins: one hold for all that are out, so that a second
   * (Reconnect while a sign-in resumed after a reload waits) neither waits for the first's lock nor takes it over, and
   * the other tabs follow until the last is done.
   */
  let hold: { out: number; over: AbortController; told: boolean } | null = null;
  /** Joins the sign-in that ends with `done` to the tab's hold of the lock, taken now if there is none. */
  const holdUntil = (tabLocks: TabLocks, done: AbortSignal) => {
    let current = hold;
    if (!current) {
      const started = { out: 0, over: new AbortController(), told: false };
      current = hold = started;
      const { signal: over } = started.over;
      // The lock tells the other tabs a popup is open here; the answer never waits for it, so no rejection goes unhandled.
      ownPopups++;
      underLock(
        tabLocks,
        reauthLock,
        lockMs,
        over,
        async () => {
          if (over.aborted) return;
          post({ type: 'reauth.started', ...pending() });
          started.told = true;
          await abortOf(over);
          // After the token's message, which every tab gets first: a follower that ends on this word has adopted the token.
          post({ type: 'reauth.ended' });
        },
        () => note('lock.reauth', 'taken over'),
      )
        .catch(() => {})
        .finally(() => ownPopups--);
    }
    const joined = current;
    joined.out++;
    const leave = () => {
      if (--joined.out > 0) return;
      hold = null;
      joined.over.abort();
    };
    if (done.aborted) leave();
    else done.addEventListener('abort', leave);
    return joined;
  };
  /**
   * `signedIn`, a sign-in of this tab, told to the others: the re-auth lock is held while it is out (they follow it,
   * a tab opened meanwhile too) and its token goes to them, unless the session moved on (`signal`): that token is nobody's.
   */
  const announced = (signIn: Promise<string>, signal: AbortSignal) => {
    const signedIn = signIn.then((token) => {
      if (!signal.aborted) post({ type: 'token', token });
      return token;
    });
    // Stryker disable next-line ConditionalExpression: without locks underLock fails on locks.request before it posts or holds anything, and the failure is swallowed
    if (locks) {
      const settled = new AbortController();
      const over = () => settled.abort();
      signedIn.then(over, over);
      const { signal: done } = eitherSignal([signal, settled.signal]);
      const held = holdUntil(locks, done);
      // Try again in this tab, once the others follow its popup: they follow the new window for their whole popupTimeoutMs.
      const undoReopened = onPopupReopened(signal, () => held.told && post({ type: 'reauth.reopened', ...pending() }));
      // Stryker disable next-line StringLiteral: tidiness only: popupReopened calls no listener of an aborted signal, and the entry goes with it
      done.addEventListener('abort', undoReopened);
    }
    return signedIn;
  };
  return { announced, ownPopups: () => ownPopups };
}
