/** @vitest-environment happy-dom */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { selectReminderView, type ReminderView } from '../../src/lib/session/index.ts';
import { API, clockedSessions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const day = 86_400_000;
const clockedSession = clockedSessions();

/**
 * A token that ends in 10 minutes, on a tab whose clock agrees with the backend's until `backend.skewMs` says
 * otherwise; someone types, and the notice has just come, 2 minutes before exp. `views`: what the notice read since.
 */
async function noticeJustUp() {
  const clock = new SimulatedClock();
  clock.set(10 * day); // a whole second: a Date header says exactly the backend's time
  /** This tab's time: set back by `setBackMs` (a SimulatedClock only goes forward); timers keep their own. */
  let setBackMs = 0;
  const wallClock = {
    now: () => clock.now() - setBackMs,
    setTimeout: (fn: (...args: unknown[]) => void, ms: number) => clock.setTimeout(fn, ms),
    clearTimeout: (id: number) => clock.clearTimeout(id),
  };
  const setBack = (ms: number) => {
    setBackMs += ms;
  };
  const exp = 10 * day + 600_000;
  const backend = { skewMs: 0 };
  const { client } = clockedSession({
    getToken: () => unsignedJwt({ sub: 'ada', iat: (10 * day) / 1000, exp: exp / 1000 }),
    clock: wallClock,
    fetch: async () => new Response('{}', { headers: { date: new Date(wallClock.now() + backend.skewMs).toUTCString() } }),
  });
  const call = async (n: number) => {
    for (let i = 0; i < n; i++) await client.authFetch(`${API}/api/credits`);
  };
  await call(50); // the first answer's Date is read (it agrees); the next one read is the next call's
  clock.increment(exp - 120_000 - clock.now());
  window.dispatchEvent(new KeyboardEvent('keydown'));
  expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
  const views: ReminderView[] = [];
  client.actor.subscribe((s) => views.push(selectReminderView(s)));
  return { client, clock, backend, call, views, setBack };
}

// Hidden a moment and shown again, the notice would be read out twice and lose the focus of whoever is on its button.
describe('a notice just up, on a clock a few seconds off', () => {
  it("stays up when the backend's clock is read 3 s behind", async () => {
    const { client, clock, backend, call, views } = await noticeJustUp();
    clock.increment(1_000);
    backend.skewMs = -3_000;
    await call(2); // two answers agree: the backend's clock is taken
    expect(client.actor.getSnapshot().context.clockOffsetMs).toBe(-2_500);
    window.dispatchEvent(new KeyboardEvent('keydown'));
    clock.increment(30_000);
    expect(views).not.toContain('hidden');
    expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
  });

  it("stays up when this tab's clock is set back 2 s and the tab is shown again", async () => {
    const { client, clock, views, setBack } = await noticeJustUp();
    setBack(2_000); // the system's time service corrects the clock
    window.dispatchEvent(new Event('focus'));
    window.dispatchEvent(new KeyboardEvent('keydown'));
    clock.increment(30_000);
    expect(views).not.toContain('hidden');
    expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
  });
});

describe('the notice before expiry, on a network that answers 6.5 s late', () => {
  it('comes 2 minutes before exp: a late answer does not read as the backend 6.5 s behind', async () => {
    const clock = new SimulatedClock();
    clock.set(10 * day); // a whole second: a Date header says exactly the backend's time
    const exp = 10 * day + 600_000;
    const { client } = clockedSession({
      getToken: () => unsignedJwt({ sub: 'ada', iat: (10 * day) / 1000, exp: exp / 1000 }),
      clock,
      // The backend's clock agrees with this tab's; it writes Date as the request comes in, and the answer takes 6.5 s.
      fetch: async () => {
        const date = new Date(clock.now()).toUTCString();
        clock.increment(6_500);
        return new Response('{}', { headers: { date } });
      },
    });
    await client.authFetch(`${API}/api/credits`);
    await client.authFetch(`${API}/api/credits`); // the first answer and the next agree: a change would be taken
    clock.increment(exp - 120_000 - clock.now());
    window.dispatchEvent(new KeyboardEvent('keydown'));
    expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
  });
});
