/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { selectBannerView, selectReminderView } from '../../src/lib/session/index.ts';
import { API, clockedSessions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const day = 86_400_000;
const hour = 3_600_000;
const clockedSession = clockedSessions();

/**
 * A tab whose clock is an hour fast (a time zone set wrong) holds a token the backend has just issued for an
 * hour: until the backend's first answer, the token looks past its exp.
 */
function fastClockSession() {
  const clock = new SimulatedClock();
  clock.set(10 * day + hour);
  const backendNow = () => clock.now() - hour;
  const exp = 10 * day + hour;
  const token = unsignedJwt({ sub: 'ada', iat: (10 * day) / 1000, exp: exp / 1000 });
  const validate = vi.fn(async () => backendNow() < exp);
  const sent: number[] = [];
  const { client } = clockedSession({
    getToken: () => token,
    validate,
    clock,
    fetch: async () => {
      sent.push(backendNow());
      return new Response('{}', { headers: { date: new Date(backendNow()).toUTCString() } });
    },
  });
  return { client, clock, validate, sent, exp };
}

describe("a clock an hour fast, before the backend's clock is read", () => {
  it('withdraws the notice once the first answers show an hour is left, and brings it 2 minutes before exp', async () => {
    const { client, clock, validate, exp } = fastClockSession();
    clock.increment(0); // timers due now run (a task later in a browser): the token looks past its exp
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 1); // the backend accepts it
    clock.increment(0);
    client.actor.send({ type: 'user.active' }); // the click on Sign in
    // The first answers: their Date says the backend is an hour behind (the second confirms the first).
    await client.authFetch(`${API}/api/me`);
    await client.authFetch(`${API}/api/credits`);
    client.actor.send({ type: 'user.active' });
    expect(selectReminderView(client.actor.getSnapshot())).toBe('hidden');
    // The end on this tab's clock, to the Date header's second.
    expect(Math.abs(Date.parse(client.report().expiresAt ?? '') - (exp + hour))).toBeLessThanOrEqual(1_000);

    clock.increment(hour - 120_000); // 2 minutes before exp, on the backend's clock
    client.actor.send({ type: 'user.active' });
    expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
  });

  it('asks the backend a lead window before exp on its clock: the trust given on the wrong one does not reach past exp', async () => {
    const { client, clock, validate, sent, exp } = fastClockSession();
    clock.increment(0); // the token looks past its exp: the backend is asked, and accepts it
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 1);
    await client.authFetch(`${API}/api/me`);
    await client.authFetch(`${API}/api/credits`); // the backend is an hour behind: the token has an hour left

    clock.increment(hour - 60_000); // exp - lead, on the backend's clock
    expect(validate).toHaveBeenCalledTimes(2);
    await waitFor(client.actor, (s) => s.matches('active'));
    clock.increment(90_000); // past exp: nothing is sent with the dead token
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    expect(sent.filter((at) => at >= exp)).toEqual([]);
  });
});

describe('a clock an hour fast, whose backend cannot check the token (5xx), before its clock is read', () => {
  it('does not show the expired banner for a token the backend takes, and its calls go', async () => {
    const clock = new SimulatedClock();
    clock.set(10 * day + hour);
    const backendNow = () => clock.now() - hour;
    const exp = 10 * day + hour; // issued just now, for an hour, on the backend's clock
    const token = unsignedJwt({ sub: 'ada', iat: (10 * day) / 1000, exp: exp / 1000 });
    const validate = vi.fn(async () => {
      throw new Error('/auth/me: 503');
    });
    const { client } = clockedSession({
      getToken: () => token,
      validate,
      clock,
      limits: { validationRetries: 0 },
      fetch: async () =>
        new Response('{}', { status: backendNow() < exp ? 200 : 401, headers: { date: new Date(backendNow()).toUTCString() } }),
    });
    clock.increment(0); // the token looks past its exp on this tab's clock: the backend is asked, and answers 503
    await waitFor(client.actor, (s) => validate.mock.calls.length === 1 && !s.matches('validating'));
    expect(selectBannerView(client.actor.getSnapshot())).toBe('hidden');

    const answer = await client.authFetch(`${API}/api/credits`);
    expect(answer.status).toBe(200);
    expect(selectBannerView(client.actor.getSnapshot())).toBe('hidden');
  });
});

describe("a clock 59 minutes fast, while the backend's first answers are on their way", () => {
  it('shows no notice until they come, and none once they say an hour is left', async () => {
    const clock = new SimulatedClock();
    clock.set(10 * day + hour - 60_000);
    const backendNow = () => clock.now() - (hour - 60_000);
    const token = unsignedJwt({ sub: 'ada', iat: (10 * day) / 1000, exp: (10 * day + hour) / 1000 });
    const answers: (() => void)[] = [];
    const { client } = clockedSession({
      getToken: () => token,
      clock,
      fetch: () =>
        new Promise<Response>((resolve) =>
          answers.push(() => resolve(new Response('{}', { headers: { date: new Date(backendNow()).toUTCString() } }))),
        ),
    });
    const calls = [client.authFetch(`${API}/api/credits`), client.authFetch(`${API}/api/health`)];
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    clock.increment(0); // the notice's timer: due on this tab's clock alone
    client.actor.send({ type: 'user.active' }); // the click on Sign in
    expect(selectReminderView(client.actor.getSnapshot())).toBe('hidden');
    for (const answer of answers) answer();
    await Promise.all(calls);
    clock.increment(0);
    client.actor.send({ type: 'user.active' });
    expect(selectReminderView(client.actor.getSnapshot())).toBe('hidden');
  });
});

describe("a notice due on a right clock, while the backend's first answers never come", () => {
  it('comes 5 s after the first call went, however many follow it', async () => {
    const clock = new SimulatedClock();
    clock.set(10 * day + hour - 100_000); // the notice is due now: 100 s before exp
    const token = unsignedJwt({ sub: 'ada', iat: (10 * day) / 1000, exp: (10 * day + hour) / 1000 });
    const sent: number[] = [];
    const { client } = clockedSession({
      getToken: () => token,
      clock,
      fetch: () => {
        sent.push(clock.now());
        return new Promise<Response>(() => {});
      },
    });
    const seen = () => {
      client.actor.send({ type: 'user.active' });
      return selectReminderView(client.actor.getSnapshot());
    };
    void client.authFetch(`${API}/api/credits`);
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    clock.increment(0);
    expect(seen()).toBe('hidden');
    for (const n of [2, 3]) {
      clock.increment(2_000); // another call goes, unanswered too
      void client.authFetch(`${API}/api/health`);
      await vi.waitFor(() => expect(sent).toHaveLength(n));
      expect(seen()).toBe('hidden');
    }
    clock.increment(1_000); // 5 s after the first call
    expect(seen()).toBe('reminding');
  });
});

describe("a clock an hour fast, set right after the backend's first answer and before the notice is due", () => {
  it('shows the notice 2 minutes before exp on the right clock, not an hour later', async () => {
    const timers = new SimulatedClock();
    timers.set(10 * day);
    /** This tab's clock is an hour fast (a time zone set wrong) until NTP sets it right; its timers run on, as a browser's do. */
    const tab = { fastMs: hour };
    const clock = {
      now: () => timers.now() + tab.fastMs,
      setTimeout: (fn: (...args: unknown[]) => void, ms: number) => timers.setTimeout(fn, ms),
      clearTimeout: (id: number) => timers.clearTimeout(id),
    };
    const exp = 10 * day + 600_000; // issued just now, for 10 minutes, on the backend's clock
    const token = unsignedJwt({ sub: 'ada', iat: (10 * day) / 1000, exp: exp / 1000 });
    const { client } = clockedSession({
      getToken: () => token,
      clock,
      fetch: async () => new Response('{}', { headers: { date: new Date(timers.now()).toUTCString() } }),
    });
    // The page's one call: its Date says the backend is an hour behind, and no second answer confirms it.
    await client.authFetch(`${API}/api/me`);
    timers.increment(1_000);
    tab.fastMs = 0; // NTP sets this tab's clock right
    timers.increment(exp - 120_000 - timers.now()); // 2 minutes before exp, on both clocks now
    client.actor.send({ type: 'user.active' });
    expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
  });
});
