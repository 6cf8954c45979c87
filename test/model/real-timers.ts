import { expect } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import type { sessionMachine } from '../../machines/session.machine.ts';
import { timerOf, type Condition, type ModelEvent } from './model-events.ts';
import { modelLimits } from './session-model.ts';
import { leadMs, remindBeforeMs } from './real-tokens.ts';
import type { Harness } from './real-session.ts';

type Snapshot = SnapshotFrom<typeof sessionMachine>;

/** How recent a use of the page makes the reminder show at once (chart-wiring.ts), and how often one reaches the chart (browser-signals.ts). */
const activeWithinMs = 5 * 60_000;
export const activityEveryMs = 15_000;

/**
 * Failures of the current validation spell, counted from the path as SessionLimits describes them, not read
 * from the chart: `offline` starts at one (the word that took it there; a sign-out inside it starts it there
 * anew), each failed probe adds one. Another tab's token once offline is said starts it at none, its probe first;
 * before, that probe still asks about the word, which stays counted. `validating` starts at none (another tab's
 * expiring token starts it anew), each error answered with a retry adds one. Anywhere else there is no spell.
 */
export function failuresAfter(
  failures: number,
  { before, event, state }: { before: Snapshot; event: ModelEvent; state: Snapshot },
): number {
  const confirmingWord = before.matches({ offline: 'unconfirmed' }) || before.matches({ offline: 'confirming' });
  if (state.matches('offline')) {
    if (!before.matches('offline') || event.type === 'session.ended') return 1;
    if (event.type === 'token.adopted') return confirmingWord ? failures : 0;
    const probed = before.matches({ offline: 'probing' }) || before.matches({ offline: 'confirming' });
    return failures + Number(probed && state.matches({ offline: 'waiting' }));
  }
  if (!state.matches('validating')) return 0;
  if (!before.matches('validating') || event.type === 'token.adopted') return 0;
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

/** The states that wait on a validation's time limit, and those that wait a backoff before the next. */
const armed: Array<[delay: string, states: Array<Record<string, string>>]> = [
  ['validationTimeout', [{ validating: 'checking' }, { offline: 'probing' }, { offline: 'confirming' }]],
  ['validationBackoff', [{ validating: 'retrying' }, { offline: 'waiting' }, { offline: 'unconfirmed' }]],
];

/**
 * After every step, not only when the timer fires: the wait the chart armed is the one SessionLimits gives the
 * spell's failures. A probe's time limit is how long until "You're offline"; the backoff, until the next probe.
 */
export function expectArmedWait(h: Harness, state: Snapshot) {
  const [delay] = armed.find(([, states]) => states.some((s) => state.matches(s))) ?? [];
  if (!delay) return;
  // The chart's timer is the only one pending in these states: the token's are armed in active alone.
  expect(h.clock.pending(), 'pending timers').toHaveLength(1);
  expect(h.clock.nextDelay(), `${delay}'s wait in ${JSON.stringify(state.value)}`).toBe(specifiedDelay(h, delay));
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
