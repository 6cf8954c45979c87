/** @vitest-environment happy-dom */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { NotReplayedError } from '../../src/lib/auth-fetch.ts';
import { API, clockedSessions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const expMs = 3_600_000;
const token = unsignedJwt({ sub: 'ada', exp: expMs / 1000 });

const clockedSession = clockedSessions();

/**
 * A clock whose timers sleep with the device: a laptop's lid closed, `now` jumps on, and each timer still waits
 * the time it had left (the browser's timers count time awake, not the wall clock).
 */
function sleepyClock() {
  const simulated = new SimulatedClock();
  let slept = 0;
  return {
    now: () => simulated.now() + slept,
    setTimeout: (fn: (...args: unknown[]) => void, ms: number) => simulated.setTimeout(fn, ms),
    clearTimeout: (id: unknown) => simulated.clearTimeout(id as never),
    increment: (ms: number) => simulated.increment(ms),
    sleep: (ms: number) => void (slept += ms),
  };
}

/** A token ending in an hour, a backend that takes it until then, the notice `remindBeforeMs` before. */
function session(remindBeforeMs = 120_000) {
  const clock = sleepyClock();
  const validate = vi.fn(async () => clock.now() < expMs);
  const { client } = clockedSession({
    getToken: () => token,
    validate,
    remindBeforeMs,
    clock,
    fetch: async () => new Response('{}', { status: clock.now() < expMs ? 200 : 401 }),
  });
  return { client, clock, validate };
}

/** The laptop wakes `beforeExpMs` before the token's exp and its tab is shown. */
function wake(clock: ReturnType<typeof sleepyClock>, beforeExpMs: number) {
  clock.sleep(expMs - beforeExpMs - clock.now());
  document.dispatchEvent(new Event('visibilitychange'));
}

/** The laptop wakes `beforeExpMs` before the token's exp, and the browser says nothing (no `visibilitychange`, no `focus`). */
function wakeWithoutASign(clock: ReturnType<typeof sleepyClock>, beforeExpMs: number) {
  clock.sleep(expMs - beforeExpMs - clock.now());
}

/** What a `replay: false` charge made now has come to a few turns later: its status, its error, or 'pending'. */
async function outcomeOfCharge(client: ReturnType<typeof session>['client']): Promise<unknown> {
  let outcome: unknown = 'pending';
  client.authFetch(`${API}/api/charge`, { method: 'POST', body: '{}', replay: false }).then(
    (r) => (outcome = r.status),
    (e: unknown) => (outcome = e),
  );
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  return outcome;
}

describe('a laptop that slept', () => {
  it("asks before expiry once it wakes in the notice's time", () => {
    const { client, clock } = session();
    wake(clock, 100_000); // 100 s left: the notice is due, the token not yet expiring
    clock.increment(0); // timers due now run (a task later in a browser)
    client.actor.send({ type: 'user.active' });
    expect(client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });

  it('holds a call made past exp after waking, rather than sending the dead token', async () => {
    const { client, clock, validate } = session();
    wake(clock, 100_000);
    clock.increment(110_000); // awake for 110 s: the token ended 10 s ago
    const outcome = await outcomeOfCharge(client);
    // Held for a check (the token is past exp), not sent with the dead token and refused.
    expect(outcome).not.toBeInstanceOf(NotReplayedError);
    expect(validate).toHaveBeenCalled();
  });

  it('holds a call made past exp after waking with the Stay signed in popup still open', async () => {
    const { client, clock } = session(600_000);
    clock.increment(expMs - 600_000); // the notice is due, 10 minutes before exp
    client.actor.send({ type: 'user.active' });
    client.reconnect(); // Stay signed in: the popup opens, calls still go with the current token
    expect(client.actor.getSnapshot().matches({ reauthenticating: 'renewing' })).toBe(true);
    wake(clock, 100_000);
    clock.increment(110_000); // awake for 110 s: the token ended 10 s ago
    const outcome = await outcomeOfCharge(client);
    expect(outcome).toBe('pending'); // held for the popup's token
    expect(client.actor.getSnapshot().matches({ reauthenticating: 'holding' })).toBe(true);
  });

  it("asks before expiry within half a minute of waking in the notice's time, with no sign from the browser", () => {
    const { client, clock } = session();
    wakeWithoutASign(clock, 100_000);
    clock.increment(30_000);
    client.actor.send({ type: 'user.active' });
    expect(client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });

  it('holds a call made past exp within half a minute of waking, with no sign from the browser', async () => {
    const { client, clock, validate } = session();
    wakeWithoutASign(clock, -10_000); // the token ended 10 s before the laptop woke
    clock.increment(30_000);
    const outcome = await outcomeOfCharge(client);
    expect(outcome).not.toBeInstanceOf(NotReplayedError);
    expect(validate).toHaveBeenCalled();
  });

  it('holds a call made past exp within half a minute of waking with the Stay signed in popup open, with no sign', async () => {
    const { client, clock } = session(600_000);
    clock.increment(expMs - 600_000);
    client.actor.send({ type: 'user.active' });
    client.reconnect();
    wakeWithoutASign(clock, -10_000);
    clock.increment(30_000);
    const outcome = await outcomeOfCharge(client);
    expect(outcome).toBe('pending');
    expect(client.actor.getSnapshot().matches({ reauthenticating: 'holding' })).toBe(true);
  });
});
