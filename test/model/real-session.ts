import { expect } from 'vitest';
import { waitFor, type SnapshotFrom } from 'xstate';
import type { sessionMachine } from '../../machines/session.machine.ts';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { AuthExpiredError } from '../../src/lib/session/errors.ts';
import { API, type FakeBackend } from '../support/fake-backend.ts';
import { recordTransitions } from './chart-coverage.ts';
import { type Call, createCalls } from './real-calls.ts';
import type { ModelEvent } from './model-events.ts';
import { modelLimits, type ModelKind } from './session-model.ts';
import { TimerClock } from './timer-clock.ts';
import { createTokens, leadMs, remindBeforeMs } from './real-tokens.ts';

type Snapshot = SnapshotFrom<typeof sessionMachine>;
interface Deferred<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

const timeout = 2_000;
/** Where calls go out, as the session promises (not as the chart's tags say): `active`, and `renewing` while the popup is open. */
export const sendsIn = (s: Snapshot) => s.matches('active') || s.matches({ reauthenticating: 'renewing' });
/** Lets every promise settle that can: a call let go is answered by msw within one turn of the event loop (three, to be sure). */
const settle = async () => {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * The real system under the model: createAuthFetch against the msw backend, on a simulated clock, with
 * validate and the popup held open by the test so that each model event is caused exactly when the path
 * says. `first`: the path's first event (the timers armed at start must suit it).
 */
export function createRealSession(backend: FakeBackend, kind: ModelKind, first: ModelEvent | undefined) {
  const clock = new TimerClock();
  let offset = () => 0;
  const tokens = createTokens(backend, () => offset());
  // The timers armed at start must suit the path's first event, like those of every step that arms them.
  const store = { token: tokens.forQuiet(null, 0, first) as string | null };
  const validations: Array<Deferred<boolean>> = [];
  const reauths: Array<Deferred<string> & { signal: AbortSignal }> = [];
  const client = createAuthFetch({
    limits: modelLimits[kind],
    clock,
    expiryLeadMs: leadMs,
    remindBeforeMs,
    getToken: () => store.token,
    setToken: (token) => (store.token = token),
    validate: () => new Promise<boolean>((resolve, reject) => validations.push({ resolve, reject })),
    reauthenticate: ({ signal }) => new Promise<string>((resolve, reject) => reauths.push({ resolve, reject, signal })),
    allowedOrigins: [API],
  });
  offset = () => client.actor.getSnapshot().context.clockOffsetMs;
  const transitions = recordTransitions(client.actor);
  // The backend's first answer: its clock is read (this one tells none), so a token past exp on it is past exp.
  const ready = client.authFetch(`${API}/api/first-answer`).then(() => undefined);

  const calls = createCalls(client.authFetch, backend, () => store.token);
  const { call, expectOutcome } = calls;

  /** What a caller would observe in the state the model is in. */
  async function expectToMatch(before: Snapshot, model: Snapshot, expected: { validations: number; reauths: number }) {
    const same = (s: Snapshot) =>
      JSON.stringify(s.value) === JSON.stringify(model.value) && s.context.queue.length === model.context.queue.length;
    const real = await waitFor(client.actor, same, { timeout });
    expect(real.context.limits).toEqual(modelLimits[kind]);
    expect(validations).toHaveLength(expected.validations);
    expect(reauths).toHaveLength(expected.reauths);
    const waiting = calls.waiting();
    const coolingDown = { needsReauth: 'coolingDown' } as const;
    if (model.status === 'done' || (model.matches(coolingDown) && !before.matches(coolingDown))) {
      // Stopped, or sign-in failed too often: every caller held is told, with AuthExpiredError; nothing hangs.
      for (const c of waiting) await expectOutcome(c, { rejects: AuthExpiredError });
    } else if (sendsIn(model)) {
      // Held calls were let go and answered; a new call goes out and is answered too.
      for (const c of waiting) await expectOutcome(c, { status: 200 });
      const fresh = call('bare');
      await expectOutcome(fresh, { status: 200 });
      expect(backend.apiRequests(fresh.path)).toHaveLength(1);
    } else {
      await settle();
      // Every caller is held: not answered, and a call held before its first send never reached the backend.
      const paths = (cs: Call[]) => cs.map((c) => c.path).sort();
      expect(paths(calls.heldCalls(real))).toEqual(paths(waiting));
      for (const c of waiting) expect(c.outcome.settled).toBe(false);
      for (const r of real.context.queue.filter((r) => r.reason === 'unsent')) {
        expect(backend.apiRequests(new URL(r.url).pathname)).toHaveLength(0);
      }
    }
    if (model.status === 'done') {
      const late = call(false);
      await expectOutcome(late, { rejects: AuthExpiredError });
      expect(backend.apiRequests(late.path)).toHaveLength(0);
    }
    for (const c of calls.all) {
      const sends = backend.apiRequests(c.path);
      // Sent at most twice (once, and its one replay); an answer comes with the token current when it came.
      expect(sends.length).toBeLessThanOrEqual(2);
      if (c.outcome.status === 200) expect(sends.at(-1)!.authorization).toBe(`Bearer ${c.outcome.token}`);
    }
  }

  /** When the page was last used, and when that last reached the chart (at most every 15 s), on the simulated clock. */
  const activity = { at: -Infinity, told: -Infinity };
  const harness = {
    kind,
    backend,
    clock,
    tokens,
    store,
    client,
    validations,
    reauths,
    activity,
    failures: 0,
    sendsIn,
    ...calls,
  };
  const stop = () => {
    if (client.actor.getSnapshot().status === 'active') client.stop();
    transitions.stop();
  };
  return { harness, ready, expectToMatch, transitions, stop };
}

export type Harness = ReturnType<typeof createRealSession>['harness'];
