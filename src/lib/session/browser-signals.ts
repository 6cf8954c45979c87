import { fromCallback, type CallbackActorLogic, type EventObject } from 'xstate';
import type { SessionEvent } from '../../../machines/session.machine.ts';

/** The browser's signals as an actor the chart invokes, and when the person last used the page. */
export interface BrowserSignals {
  logic: CallbackActorLogic<EventObject>;
  /** When an input, pointer or key event last came (0 before any). */
  lastActivityAt(): number;
}

type Target = Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>> & {
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  navigator?: { onLine?: boolean };
};

/** Signs that someone is using the page. */
const activity = ['pointerdown', 'keydown', 'input'] as const;
/** `user.active` reaches the chart at most this often: typing is many events a second. */
const activityEveryMs = 15_000;

/**
 * `online` / `offline`, the tab shown again (timers sleep in background tabs)
 * and signs of use, sent to the chart while it runs; every listener goes
 * when the chart stops. `onBack`: the tab is shown or online again, after what may have been a sleep.
 *
 * @example
 * const signals = createBrowserSignals({ now: Date.now });
 * sessionMachine.provide({ actors: { browserSignals: signals.logic } });
 */
export function createBrowserSignals(options: { now: () => number; target?: Target; onBack?: () => void }): BrowserSignals {
  let lastActivityAt = 0;
  const logic = fromCallback<EventObject>(({ sendBack }) => {
    const target = options.target ?? (globalThis as Target);
    const doc = target.document;
    const send = (event: SessionEvent) => sendBack(event);
    let lastSent = -Infinity;
    const onOnline = () => {
      options.onBack?.();
      send({ type: 'network.online' });
    };
    const onOffline = () => send({ type: 'network.offline' });
    const onVisible = () => {
      if (doc && doc.visibilityState !== 'visible') return;
      options.onBack?.();
      send({ type: 'tab.visible' });
    };
    const onActivity = () => {
      lastActivityAt = options.now();
      if (lastActivityAt - lastSent < activityEveryMs) return;
      lastSent = lastActivityAt;
      send({ type: 'user.active' });
    };
    target.addEventListener?.('online', onOnline);
    target.addEventListener?.('offline', onOffline);
    target.addEventListener?.('focus', onVisible);
    doc?.addEventListener('visibilitychange', onVisible);
    for (const type of activity)
      target.addEventListener?.(type, onActivity, {
        capture: true,
        // Stryker disable next-line BooleanLiteral: passive only forbids preventDefault, which this listener never calls
        passive: true,
      });
    if (target.navigator?.onLine === false) onOffline();
    return () => {
      target.removeEventListener?.('online', onOnline);
      target.removeEventListener?.('offline', onOffline);
      target.removeEventListener?.('focus', onVisible);
      doc?.removeEventListener('visibilitychange', onVisible);
      for (const type of activity) target.removeEventListener?.(type, onActivity, { capture: true });
    };
  });
  return { logic, lastActivityAt: () => lastActivityAt };
}
