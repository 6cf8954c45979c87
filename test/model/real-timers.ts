import { expect } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import type { sessionMachine } from '../../machines/session.machine.ts';
import { timerOf, type Condition, type ModelEvent } from './model-events.ts';
import { modelLimits } from './session-model.ts';
import { leadMs, remindBeforeMs } from './real-tokens.ts';
import type { Harness } from './real-session.ts';

type Snapshot = SnapshotFrom<typeof sessionMachine>;

/** How recent a use of the page makes the reminder show at once (client.ts), and how often one reaches the chart (browser-signals.ts). */
const activeWithinMs = 5 * 60_000;
export const activityEveryMs = 15_000;

/**
 * Failures of the current validation spell, counted from the path as SessionLimits describes them, not read
 * from the chart: `offline` starts at one (the failure that took it there), each failed probe adds one, another tab's token starts it at none;
 * `validating` starts at none, each error answered with a retry adds one. Anywhere else there is no spell.
 */
export function failuresAfter(
  failures: number,
  { before, event, state }: { before: Snapshot; event: ModelEvent; state: Snapshot },
): number {
  if (state.matches('offline')) {
    // Another tab's token starts offline anew, its probe first: a new spell, with no failure yet.
    if (before.matches('offline') && event.type === 'token.adopted') return 0;
    return before.matches('offline')
      ? failures +
          Number(
            (before.matches({ offline: 'probing' }) || before.matches({ offline: 'confirming' })) && state.matches({ offline: 'waiting' }),
          )
      : 1;
  }
  if (!state.matches('validating')) return 0;
  if (!before.matches('validating')) return 0;
  return failures + Number(event.type === 'xstate.error.actor.validateSession' && state.matches({ validating: 'retrying' }));
}

/**
 * How long each timer of the chart waits, by SessionLimits: the backoff doubles from validationBackoffMs, up to a
 * minute; a check's time limit doubles from validationTimeoutMs with each failure, up to 30 s.
 */
function specifiedDelay(h: Harness, delay: string): number | undefined {
  const limits = modelLimits[h.kind];
  const waits: Record<string, number> = {
    validationBackoff: Math.min(limits.validationBackoffMs * 2 ** (h.failures - 1), Math.max(limits.validationBackoffMs, 60_000)),
    validationTimeout: Math.min(limits.validationTimeoutMs * 2 ** h.failures, Math.max(limits.validationTimeoutMs, 30_000)),
    reauthCooldown: limits.reauthCooldownMs,
    reauthTimeout: limits.reauthTimeoutMs,
  };
  return waits[delay];
}

/** Time passes until the chart's next timer, with the token its guard reads there set up first. */
export function planTimer(h: Harness, event: ModelEvent & Condition, next: ModelEvent | undefined) {
  const { clock, tokens, store } = h;
  const at = clock.next();
  const { delay } = timerOf(event)!;
  // The token's timers are the token's business (test/session/expiry.test.ts); the others wait what the limits say.
  const specified = specifiedDelay(h, delay);
  if (specified !== undefined) expect(clock.nextDelay(), `${delay}'s wait`).toBe(specified);
  if (delay === 'untilExpiring') {
    if (!event.expiring) store.token = tokens.another(tokens.forQuiet(store.token, at, next), store.token, at);
    else if (!tokens.expiringAt(store.token, at)) store.token = tokens.mint(tokens.serverAt(at) + leadMs);
  }
  if (delay === 'untilReminder') {
    const [reminder, expiry] = clock.pending();
    expect(reminder).toBe(at);
    // Armed from the token held now: it comes remindBeforeMs before its exp, on the backend's clock as last read.
    const exp = tokens.expOf(store.token);
    if (exp !== null) expect(tokens.serverAt(at), "the reminder's time").toBe(exp - remindBeforeMs);
    if (!event.due) store.token = tokens.forQuiet(store.token, at, next, expiry);
    else if (!tokens.dueAt(store.token, at)) store.token = tokens.mint(tokens.serverAt(at) + remindBeforeMs);
    if (event.due && !event.userActive && at - h.activity.at < activeWithinMs)
      throw new Error('the page was used too recently for an idle reminder');
  }
  return () => {
    if (event.userActive) {
      clock.set(at - 1);
      pageUsed(h, 'pointerdown');
    }
    clock.set(at);
  };
}

/** Someone uses the page: a real input event on the window, which the client's listener hears. */
export function pageUsed(h: Harness, type: 'pointerdown' | 'keydown') {
  const now = h.clock.now();
  window.dispatchEvent(new Event(type));
  h.activity.at = now;
  if (now - h.activity.told >= activityEveryMs) h.activity.told = now;
}
