/** @vitest-environment happy-dom */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { selectBannerView, selectReminderView } from '../../src/lib/session/index.ts';
import { API, clockedSessions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const lead = 60_000;
const day = 86_400_000;
const clockedSession = clockedSessions();

/**
 * A token that ends in 10 minutes, on a tab whose clock agrees with the backend's until `backend.skewMs` says
 * otherwise; someone types. Brought to exp - 50 s: the backend vouched for the token at exp - lead, the notice is up.
 */
async function vouchedInLeadWindow() {
  const clock = new SimulatedClock();
  clock.set(10 * day); // a whole second: a Date header says exactly the backend's time
  const exp = 10 * day + 600_000;
  const token = unsignedJwt({ sub: 'ada', iat: (10 * day) / 1000, exp: exp / 1000 });
  const backend = { skewMs: 0 };
  const validate = vi.fn(async () => true);
  const { client } = clockedSession({
    getToken: () => token,
    validate,
    expiryLeadMs: lead,
    clock,
    fetch: async () => new Response('{}', { headers: { date: new Date(clock.now() + backend.skewMs).toUTCString() } }),
  });
  const type = () => window.dispatchEvent(new KeyboardEvent('keydown'));
  await client.authFetch(`${API}/api/credits`); // the backend's clock, read: it agrees
  clock.increment(exp - lead - clock.now()); // the notice came 2 minutes before; now the backend is asked
  await waitFor(client.actor, (s) => s.matches('active'));
  clock.increment(10_000);
  type();
  expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
  expect(validate).toHaveBeenCalledTimes(1);
  /** Calls until the backend's clock, 3 s ahead from now, is taken (one answer in 50 is read, and the next agrees). */
  const readAnew = async () => {
    backend.skewMs = 3_000;
    const sending = () => client.actor.getSnapshot().hasTag('sending');
    for (let i = 0; i < 100 && sending() && client.actor.getSnapshot().context.clockOffsetMs === 0; i++)
      await Promise.race([client.authFetch(`${API}/api/credits`), waitFor(client.actor, (s) => !s.hasTag('sending'))]);
    clock.increment(0); // timers due now run
  };
  return { client, validate, readAnew };
}

describe('a token the backend vouched for, when its clock is read 3 s ahead', () => {
  it('keeps Stay signed in sending with it: no banner, nothing held, 50 s before exp', async () => {
    const { client, readAnew } = await vouchedInLeadWindow();
    client.reconnect(); // Stay signed in: the popup is open
    await readAnew();
    const snapshot = client.actor.getSnapshot();
    expect(snapshot.context.clockOffsetMs).toBe(3_500);
    expect(selectBannerView(snapshot)).toBe('hidden');
    expect(selectReminderView(snapshot)).toBe('renewing');
    expect(snapshot.context.queue).toEqual([]);
  });

  it('is not asked about again: the notice stays up, its buttons live', async () => {
    const { client, validate, readAnew } = await vouchedInLeadWindow();
    await readAnew();
    expect(client.actor.getSnapshot().context.clockOffsetMs).toBe(3_500);
    expect(selectReminderView(client.actor.getSnapshot())).toBe('reminding');
    expect(validate).toHaveBeenCalledTimes(1);
  });
});

describe('a token vouched for a minute and a half before exp, when the clock is read again', () => {
  it('is asked about again at the end of its trust on the new reading, not on the old one', async () => {
    const clock = new SimulatedClock();
    clock.set(10 * day);
    const exp = 10 * day + 600_000;
    const backend = { skewMs: 5_000 };
    const validate = vi.fn(async () => true);
    const { client } = clockedSession({
      getToken: () => unsignedJwt({ sub: 'ada', exp: exp / 1000 }),
      validate,
      expiryLeadMs: lead,
      remindBeforeMs: 0,
      clock,
      fetch: async () => new Response('{}', { headers: { date: new Date(clock.now() + backend.skewMs).toUTCString() } }),
    });
    const offset = () => client.actor.getSnapshot().context.clockOffsetMs;
    /** Calls until the backend's clock, read anew, is taken (one answer in 50 is read, and the next must agree). */
    const callUntilOffset = async (ms: number) => {
      for (let i = 0; i < 100 && offset() !== ms; i++) await client.authFetch(`${API}/api/credits`);
      expect(offset()).toBe(ms);
    };
    /** Moves this tab's clock to `ms` before exp on the backend's clock. */
    const toBeforeExp = (ms: number) => clock.increment(exp - ms - offset() - clock.now());

    await callUntilOffset(5_500); // the backend's clock is 5.5 s ahead (its Date is to the second)
    toBeforeExp(90_000);
    client.actor.send({ type: 'token.rejected' }); // a 401 of a call that holds nothing: the backend vouches for the token
    await waitFor(client.actor, (s) => s.matches('active'));
    expect(validate).toHaveBeenCalledTimes(1); // trusted a lead window from now: until 30 s before exp

    backend.skewMs = 3_000;
    // Read anew (3 s: this tab's clock is half a second into a second here): the trust was given 2.5 s earlier.
    await callUntilOffset(3_000);
    toBeforeExp(33_000);
    expect(validate).toHaveBeenCalledTimes(1);
    toBeforeExp(32_000); // its trust ended 32.5 s before exp
    expect(validate).toHaveBeenCalledTimes(2);
  });
});

describe("this tab's clock set back an hour after the backend vouched for the token in its lead window", () => {
  it('holds a write made past exp for a check, instead of sending it with the dead token', async () => {
    const timers = new SimulatedClock();
    timers.set(10 * day);
    /** This tab's clock is an hour fast (a time zone set wrong) until NTP sets it right; its timers run on, as a browser's do. */
    const tab = { fastMs: 3_600_000 };
    const clock = {
      now: () => timers.now() + tab.fastMs,
      setTimeout: (fn: (...args: unknown[]) => void, ms: number) => timers.setTimeout(fn, ms),
      clearTimeout: (id: number) => timers.clearTimeout(id),
    };
    const backendNow = () => timers.now();
    const exp = 10 * day + 600_000;
    const validate = vi.fn(async () => backendNow() < exp);
    /** The backend's time of each send, and what it answered: 401 past exp. */
    const sent: number[] = [];
    const { client } = clockedSession({
      getToken: () => unsignedJwt({ sub: 'ada', exp: exp / 1000 }),
      validate,
      expiryLeadMs: lead,
      remindBeforeMs: 0,
      clock,
      fetch: async () => {
        sent.push(backendNow());
        const status = backendNow() < exp ? 200 : 401;
        return new Response('{}', { status, headers: { date: new Date(backendNow()).toUTCString() } });
      },
    });
    const offset = () => client.actor.getSnapshot().context.clockOffsetMs;
    /** Calls until the backend's clock, read anew, is `ms` off this tab's (one answer in 50 is read, and the next must agree). */
    const callUntilOffset = async (ms: number) => {
      for (let i = 0; i < 100 && offset() !== ms; i++) await client.authFetch(`${API}/api/credits`);
      expect(offset()).toBe(ms);
    };

    timers.increment(0); // timers due now run (a task later in a browser): the token looks past its exp, and is vouched for
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 1);
    await callUntilOffset(500 - 3_600_000); // the first answers: the backend is an hour behind (its Date is to the second)
    timers.increment(exp - lead - backendNow()); // a lead window before exp: the backend is asked, and vouches
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 2);

    tab.fastMs = 0; // NTP sets this tab's clock right: the session's idea of the backend's time is an hour slow
    await callUntilOffset(500); // read anew from the answers: the token has a minute left
    timers.increment(exp - backendNow()); // the token's exp, on the backend's clock
    const write = client.authFetch(`${API}/api/designs`, { method: 'POST', body: '{"ring":1}', replay: false });
    let failed: unknown;
    write.catch((error: unknown) => void (failed = error));
    await waitFor(client.actor, (s) => s.matches('needsReauth'), { timeout: 1_000 });
    expect(sent.filter((at) => at >= exp)).toEqual([]); // nothing went with the dead token
    // Held, while the banner asks to sign in again (the chart hears of it a turn later).
    await waitFor(client.actor, (s) => s.context.queue.length === 1, { timeout: 1_000 });
    expect(validate).toHaveBeenCalledTimes(3);
    expect(selectBannerView(client.actor.getSnapshot())).toBe('expired');
    expect(failed).toBeUndefined();
  });
});

/**
 * A session on a simulated clock at day 10, its token good for three hours; `fetchWith` gets the backend's answer
 * dated by its clock, `backend.skewMs` off this tab's (a tab's clock set back while it slept).
 */
function sessionOnWakingClock(fetchWith: (dated: () => Response) => typeof fetch) {
  const clock = new SimulatedClock();
  clock.set(10 * day);
  const backend = { skewMs: 0 };
  const dated = () => new Response('{}', { headers: { date: new Date(clock.now() + backend.skewMs).toUTCString() } });
  const { client } = clockedSession({
    getToken: () => unsignedJwt({ sub: 'ada', exp: (10 * day + 3 * 3_600_000) / 1000 }),
    clock,
    fetch: fetchWith(dated),
  });
  return { backend, client };
}

describe('a clock set while the tab slept (NTP after the lid opens)', () => {
  it('is read again from the next answers once the tab is shown, not fifty calls later', async () => {
    const { backend, client } = sessionOnWakingClock((dated) => async () => dated());
    for (let i = 0; i < 3; i++) await client.authFetch(`${API}/api/credits`); // the first is read: the clocks agree
    backend.skewMs = 3_600_000; // asleep, this tab's clock was set an hour back
    document.dispatchEvent(new Event('visibilitychange'));
    for (let i = 0; i < 2; i++) await client.authFetch(`${API}/api/credits`); // read, and the next agrees
    expect(client.actor.getSnapshot().context.clockOffsetMs).toBe(3_600_500);
  });
});

describe('a clock set while the tab slept, when the first call after the wake gets no answer', () => {
  it('is read from the answers that do come, not fifty calls later', async () => {
    const { backend, client } = sessionOnWakingClock((dated) => (input, init) => {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      // A call its caller gives up (a view left as the tab comes back) is never answered.
      if (signal) return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      return Promise.resolve(dated());
    });
    for (let i = 0; i < 3; i++) await client.authFetch(`${API}/api/credits`); // the first is read: the clocks agree
    backend.skewMs = 3_600_000; // asleep, this tab's clock was set an hour back
    document.dispatchEvent(new Event('visibilitychange'));
    const leaving = new AbortController();
    const left = client.authFetch(`${API}/api/designs`, { signal: leaving.signal }).catch(() => 'aborted');
    leaving.abort();
    expect(await left).toBe('aborted');
    for (let i = 0; i < 2; i++) await client.authFetch(`${API}/api/credits`); // read, and the next agrees
    expect(client.actor.getSnapshot().context.clockOffsetMs).toBe(3_600_500);
  });
});

describe('a clock set while the tab slept, when a call sent before the sleep answers after the wake', () => {
  it('is read from the calls sent since: the old call says nothing of the wake', async () => {
    /** The answer of the call sent across the sleep, written before it, given by the test. */
    let acrossSleep: (() => void) | undefined;
    const { backend, client } = sessionOnWakingClock((dated) => (input) => {
      const answer = dated();
      if (!String(input).endsWith('/api/upload')) return Promise.resolve(answer);
      return new Promise((resolve) => (acrossSleep = () => resolve(answer)));
    });
    for (let i = 0; i < 50; i++) await client.authFetch(`${API}/api/credits`); // the first is read: the clocks agree
    const upload = client.authFetch(`${API}/api/upload`); // the fifty-first, sent as the lid closes
    backend.skewMs = 3_600_000; // asleep, this tab's clock was set an hour back
    document.dispatchEvent(new Event('visibilitychange'));
    acrossSleep!();
    await upload;
    for (let i = 0; i < 2; i++) await client.authFetch(`${API}/api/credits`); // read, and the next agrees
    expect(client.actor.getSnapshot().context.clockOffsetMs).toBe(3_600_500);
  });
});
