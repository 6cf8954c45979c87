import type { AuthFetchClient } from './auth-fetch-client.ts';
import { createDeadlines } from './deadlines.ts';
import { abortOf, eitherSignal } from './either-signal.ts';
import { isHeaderSafe } from './own-work.ts';
import type { PendingSignIn } from './sign-in-record.ts';
import type { TabLocks } from './tab-locks.ts';

/** What tabs of one app tell each other. Same-origin only (BroadcastChannel). */
export type TabMessage =
  | { type: 'token'; token: string }
  /** With the popup's sign-in (state, deadline), when that tab keeps a record of it: should the tab close, its answer is taken here. */
  | ({ type: 'reauth.started' } & Partial<PendingSignIn>)
  | { type: 'reauth.ended' }
  /** Try again opened a new window in the same sign-in: it is followed for popupTimeoutMs again. */
  | ({ type: 'reauth.reopened' } & Partial<PendingSignIn>)
  | { type: 'validating' }
  /** This tab's check got the backend's answer: a tab holding offline asks now, not after its backoff. */
  | { type: 'answered' }
  | { type: 'reminder.dismissed'; exp?: number | null };

/** The sign-in a tab's word names, if it names one (a tab of an older version names none). */
const sayingSignIn = (data: Partial<PendingSignIn>) => (typeof data.state === 'string' ? (data as PendingSignIn) : undefined);

/** How long a tab whose lock wait for another tab's popup is over waits for that tab's word that it ended: the word may come after the lock. */
const endedWordMs = 1_000;

/**
 * Hears the other tabs for one connection of `client` on `channel`: adopts their tokens and their "Not now", asks the
 * backend at once when one heard it (`answered`), and follows their popups ("Reconnecting in another tab…", Reconnect
 * disabled), from their word or, on connecting, a popup whose lock is held or whose follow the last connection had.
 * Returns the connection's undo. Positional arguments, as underLock's: an options object would cost the layer's size
 * budget its names.
 *
 * @param locks The tabs' lock manager, if any: a popup is open in the tab that holds `reauthLock`.
 * @param popupTimeoutMs How long a popup is followed without its tab finishing; Try again there starts it again.
 * @param ownPopups How many holds of the re-auth lock for this tab's own sign-ins (a resumed one too) are out: a lock held then may be ours.
 * @param heardValidating Another tab said it is still asking the backend.
 * @param note Adds a line to the connected session's report.
 * @param takeUp Takes up the sign-in of a popup followed here whose tab went without a word (closed), its window maybe still open.
 *
 * @example
 * const undo = listenToTabs(client, new BroadcastChannel('app'), navigator.locks, 'app:reauth', 120_000, () => 0, () => {}, client.note, () => {});
 */
export function listenToTabs(
  client: AuthFetchClient,
  channel: BroadcastChannel | null,
  locks: TabLocks | undefined,
  reauthLock: string,
  popupTimeoutMs: number,
  ownPopups: () => number,
  heardValidating: () => void,
  note: (event: string, detail?: string) => void,
  takeUp: (signIn: PendingSignIn) => void,
): () => void {
  const gone = new AbortController();
  /** The sign-in of the popup followed last, as its tab told it. */
  let told: PendingSignIn | undefined;
  /**
   * The other tabs' popups this connection follows now, each as what hears its tab's word that it ended (one
   * structure, so their count is its size): while any is followed, no Reconnect is offered here.
   */
  const followed = new Set<() => void>();
  /** The popup tab's word that it ended (or its token): every follow waiting for one has it. */
  const ended = () => {
    for (const heard of followed) heard();
    // Over from its word on: a session back in active meanwhile is not told of it again.
    followed.clear();
  };
  /** The follows' clocks, each popupTimeoutMs, all started again when the popup tab's Try again opens a new window. */
  const tooLong = createDeadlines(popupTimeoutMs);
  /** Follows another tab's popup: this tab may try once it is done or its tab gone, or after popupTimeoutMs should that tab freeze. */
  const follow = () => {
    const following = tooLong.start([gone.signal]);
    let heard!: () => void;
    const word = new Promise<void>((resolve) => followed.add((heard = resolve)));
    /** The popup tab's word that it ended, or, should it never come (that tab closed), a moment's wait. */
    const wordOrMoment = () => {
      const moment = eitherSignal([following.signal], endedWordMs);
      return Promise.race([word, abortOf(moment.signal)]).finally(moment.dispose);
    };
    // Without locks here, the popup tab's word (it has locks, or it told none) or the token ends the follow.
    const popupDone = locks
      ? locks.request(reauthLock, { signal: following.signal }, () => {}).then(wordOrMoment)
      : Promise.race([word, abortOf(following.signal).then(() => Promise.reject(following.signal.reason))]);
    void popupDone
      // Not when this connection's undo ended the follow: a remount is no wait too long.
      .catch(() => gone.signal.aborted || note('lock.reauth', 'followed too long'))
      .then(() => {
        // Its lock gone and no word after it: that tab was closed, and its window, which COOP may keep from it, maybe not.
        const silent = followed.delete(heard) && !following.signal.aborted;
        following.dispose();
        if (gone.signal.aborted) return;
        client.reconnectingElsewhere(false);
        if (silent && told) takeUp(told);
        told = undefined;
      });
  };
  const onMessage = ({ data }: MessageEvent<TabMessage>) => {
    // Tabs share the token's storage, so the token may already be ours: adopting it still lets held requests go.
    // Not in a tab signed out since that popup opened (its message came late, or each tab stores its own token).
    // One no header can carry is none: its held calls would meet fetch's TypeError, which quotes it.
    if (data?.type === 'token' && typeof data.token === 'string' && isHeaderSafe(data.token)) {
      note('tab.token');
      // A popup's token is its word that it ended: heard first, so that the session the token brings back stays there.
      ended();
      client.adoptToken(data.token, { whileSignedIn: true });
    } else if (data?.type === 'reauth.started') {
      note('tab.reauth.started');
      told = sayingSignIn(data);
      client.reconnectingElsewhere(true);
      follow();
    } else if (data?.type === 'reauth.ended') {
      ended();
    } else if (data?.type === 'reauth.reopened') {
      told = sayingSignIn(data);
      tooLong.restartAll();
    } else if (data?.type === 'validating') {
      heardValidating();
    } else if (data?.type === 'answered') {
      client.backendAnsweredElsewhere();
    } else if (data?.type === 'reminder.dismissed') {
      // For the token it was said for: this tab may hold another (it missed that token's message).
      // Stryker disable next-line ConditionalExpression: { exp: undefined } reaches the chart as no exp, taken for the current token alike
      client.dismissReminder(data.exp === undefined ? undefined : { exp: data.exp });
    }
  };
  channel?.addEventListener('message', onMessage as EventListener);
  // Connected again (a remount) while following, expired or not: the last connection's follow ended with its undo.
  const snapshot = client.actor.getSnapshot();
  if (snapshot.matches({ needsReauth: 'elsewhere' }) || snapshot.matches({ active: 'elsewhere' })) follow();
  // A popup another tab opened before this one listened (opened or reloaded since): its word is gone, its lock is not.
  if (locks && channel) {
    locks.query().then(
      ({ held }) => {
        // This tab's own popup holds it, or held it a moment ago (it just failed): nothing to follow.
        if (gone.signal.aborted || followed.size > 0 || ownPopups() > 0 || !held?.some((lock) => lock.name === reauthLock)) return;
        note('tab.reauth.held');
        follow();
        // As on its word: "Reconnecting in another tab…" once expired here, and no notice before expiry (its button would open a second popup).
        client.reconnectingElsewhere(true);
      },
      () => {},
    );
  }
  // Expired here only after another tab's popup opened (a quiet tab's first 401): that popup is followed, not a second offered.
  // Back in active after a check while it is open: no notice, whose button would open a second popup.
  const toldWhileFollowing = client.actor.subscribe((snapshot) => {
    if (followed.size > 0 && (snapshot.matches({ needsReauth: 'waiting' }) || snapshot.matches({ active: 'quiet' })))
      client.reconnectingElsewhere(true);
  });
  return () => {
    gone.abort();
    toldWhileFollowing.unsubscribe();
  };
}
