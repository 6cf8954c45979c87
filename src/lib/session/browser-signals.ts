import type { ActorRefFrom } from 'xstate';
import type { sessionMachine } from '../../../machines/session.machine.ts';
import type { ExpiryAwareness } from './token-expiry.ts';

/**
 * Feeds the browser's signals into the session: `online` ends an offline
 * wait, and the token's expiry is re-checked on a timer and whenever the tab
 * comes back (timers sleep in background tabs). The proactive path only sends
 * `token.expiring`, which the chart takes in `active` alone, so it can never
 * run beside the 401 path. Returns a function that removes every listener.
 *
 * @example
 * const stop = watchSessionSignals({ actor, expiry, getToken });
 */
export function watchSessionSignals(args: {
  actor: ActorRefFrom<typeof sessionMachine>;
  expiry: ExpiryAwareness;
  getToken: () => string | null;
}): () => void {
  const { actor, expiry, getToken } = args;
  const target = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>> & { document?: Document };
  const doc = target.document;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const check = () => {
    if (actor.getSnapshot().value === 'active' && expiry.isExpiring(getToken())) actor.send({ type: 'token.expiring' });
  };
  const arm = () => {
    clearTimeout(timer);
    const ms = expiry.msUntilExpiring(getToken());
    // Already expiring, e.g. back from a validation that gave up offline: the next request validates first
    // (and the tab coming back checks again). A timer now would start validating at once, forever.
    if (ms === null || ms <= 0) return;
    // setTimeout overflows past 2^31-1 ms; re-arming on every return to `active` covers longer lifetimes.
    timer = setTimeout(check, Math.min(ms, 2 ** 31 - 1));
  };
  const onOnline = () => actor.send({ type: 'network.online' });
  const onVisible = () => {
    if (!doc || doc.visibilityState === 'visible') check();
  };

  target.addEventListener?.('online', onOnline);
  target.addEventListener?.('focus', onVisible);
  doc?.addEventListener('visibilitychange', onVisible);
  // Each time the session is (back) in `active`, possibly with a new token, the timer is set for that token.
  const subscription = actor.subscribe((snapshot) => {
    if (snapshot.value === 'active') arm();
  });
  arm();
  return () => {
    clearTimeout(timer);
    subscription.unsubscribe();
    target.removeEventListener?.('online', onOnline);
    target.removeEventListener?.('focus', onVisible);
    doc?.removeEventListener('visibilitychange', onVisible);
  };
}
