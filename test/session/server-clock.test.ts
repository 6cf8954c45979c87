/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createServerClock } from '../../src/lib/session/server-clock.ts';
import { API, clockedSessions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const lead = 60_000;
const day = 86_400_000;
const jwt = (expMs: number) => unsignedJwt({ sub: 'ada', exp: expMs / 1000 });

const clockedSession = clockedSessions();

describe("the backend's clock, read from an answer the browser's cache gave", () => {
  it('does not move the expiry check a day late: a cached answer keeps the Date it was first sent with', async () => {
    // This tab's clock and the backend's agree. The app's first call is a GET the backend lets the browser
    // cache for a day (Cache-Control: max-age=86400): on a reload it comes from the HTTP cache, with its old Date.
    const clock = new SimulatedClock();
    clock.set(10 * day);
    const validate = vi.fn(async () => true);
    const { client } = clockedSession({
      getToken: () => jwt(10 * day + 600_000), // ends in 10 minutes
      validate,
      expiryLeadMs: lead,
      remindBeforeMs: 0,
      clock,
      fetch: async (input) =>
        new Response('{}', {
          headers: { date: new Date(String(input).endsWith('/config') ? clock.now() - day : clock.now()).toUTCString() },
        }),
    });
    await client.authFetch(`${API}/api/config`); // from the cache: Date is yesterday's

    clock.increment(600_000 - lead); // exp - lead, on every clock there is
    // The token starts expiring: the session asks the backend before sending with it, as it does without the cache.
    expect(validate).toHaveBeenCalledTimes(1);
  });
});

describe("the backend's clock, read from answers a CDN's cache gave", () => {
  it('counts their Age: two answers cached an hour ago do not set the clock an hour back', async () => {
    const hour = 3_600_000;
    const clock = new SimulatedClock();
    clock.set(10 * day); // a whole second: a Date header says exactly the backend's time
    // This tab's clock and the backend's agree; the CDN kept these answers for an hour, and says so in Age.
    const { client } = clockedSession({
      getToken: () => 'opaque-token',
      remindBeforeMs: 0,
      clock,
      fetch: async () => new Response('{}', { headers: { date: new Date(clock.now() - hour).toUTCString(), age: '3600' } }),
    });
    await client.authFetch(`${API}/api/catalog`);
    await client.authFetch(`${API}/api/catalog`); // the second agrees with the first: without Age, an hour back
    expect(client.report().clockOffsetMs).toBe(0);
  });

  it("reads the answers it did not keep (Age: 0): a CDN's every answer may carry Age", async () => {
    const hour = 3_600_000;
    const clock = new SimulatedClock();
    clock.set(10 * day);
    const { client } = clockedSession({
      getToken: () => 'opaque-token',
      remindBeforeMs: 0,
      clock,
      fetch: async () => new Response('{}', { headers: { date: new Date(clock.now() + hour).toUTCString(), age: '0' } }),
    });
    await client.authFetch(`${API}/api/credits`);
    await client.authFetch(`${API}/api/credits`);
    expect(client.report().clockOffsetMs).toBe(hour + 500);
  });
});

describe("the backend's clock, read from the Date of its answers", () => {
  const hour = 3_600_000;
  /**
   * A session before a backend whose clock is `backend.skewMs` ahead of this tab's (null: its answers carry no
   * Date). Each call is answered with the next of `backend.statuses` (200 when none is left); a 401's replay gets 200.
   */
  function session() {
    const clock = new SimulatedClock();
    clock.set(10 * day); // a whole second: a Date header says exactly the backend's time
    const backend = { skewMs: 0 as number | null, statuses: [] as number[], lateMs: 0 };
    const { client } = clockedSession({
      getToken: () => 'opaque-token', // no exp: only the clock is watched
      remindBeforeMs: 0,
      clock,
      fetch: async () => {
        // Date is written as the request comes in; the answer then takes `lateMs` to arrive (a slow proxy).
        const headers: Record<string, string> =
          backend.skewMs === null ? {} : { date: new Date(clock.now() + backend.skewMs).toUTCString() };
        clock.increment(backend.lateMs);
        return new Response('{}', { status: backend.statuses.shift() ?? 200, headers });
      },
    });
    /** Makes `n` calls, one after the other, each answered by the backend as it is set now. */
    const call = async (n = 1) => {
      for (let i = 0; i < n; i++) await client.authFetch(`${API}/api/credits`);
    };
    /** The offset the session works with; a Date is to the second, so half a second is added to it. */
    const offset = () => client.report().clockOffsetMs;
    return { client, backend, call, offset };
  }

  it('takes a change from the first answer once the next agrees within two seconds, and only then', async () => {
    const { backend, call, offset } = session();
    backend.skewMs = hour;
    await call(); // may have come from the browser's cache
    expect(offset()).toBe(0);
    backend.skewMs = hour + 2_000; // two seconds apart: the same clock, read twice
    await call();
    expect(offset()).toBe(hour + 2_500);
  });

  it('waits for a second reading that agrees: one that does not is the one to confirm', async () => {
    const { backend, call, offset } = session();
    backend.skewMs = 1_000; // more than the Date's rounding, but a first reading all the same
    await call();
    expect(offset()).toBe(0);
    backend.skewMs = -hour;
    await call();
    expect(offset()).toBe(0);
    await call();
    expect(offset()).toBe(-hour + 500);
  });

  it('takes two readings two seconds apart either way as one clock, and not three seconds apart', async () => {
    for (const [secondMs, taken] of [
      [hour + 2_000, true],
      [hour - 2_000, true],
      [hour + 3_000, false],
      [hour - 3_000, false],
    ] as const) {
      const { backend, call, offset } = session();
      backend.skewMs = hour;
      await call();
      backend.skewMs = secondMs;
      await call();
      expect({ secondMs, offset: offset() }).toEqual({ secondMs, offset: taken ? secondMs + 500 : 0 });
    }
  });

  it('reads one answer in fifty after the first, then the next one to confirm it', async () => {
    const { backend, call, offset } = session();
    await call(); // the first: clocks agree
    backend.skewMs = hour; // the backend's clock was set an hour ahead
    await call(49);
    expect(offset()).toBe(0); // answers 2 to 50 are not read
    await call(); // the 51st is
    expect(offset()).toBe(0);
    await call(); // and the next agrees
    expect(offset()).toBe(hour + 500);
  });

  it("takes a 401's Date at once, whichever answer it is (never cached), and none from answers without one", async () => {
    const { backend, call, offset } = session();
    await call(); // the first: clocks agree
    backend.skewMs = hour;
    backend.statuses.push(401);
    await call(); // the second answer, not one the sampling reads
    expect(offset()).toBe(hour + 500);
    backend.skewMs = -hour; // set back two hours: far from the last, though as far from zero
    backend.statuses.push(401);
    await call();
    expect(offset()).toBe(-hour + 500);
    backend.skewMs = null;
    backend.statuses.push(401);
    await call();
    expect(offset()).toBe(-hour + 500);
  });

  it.each([
    ['later than', 1_000],
    ['behind', -1_000],
  ])("keeps the offset when a 401's Date is a second %s it: that is the Date's own rounding", async (_, secondMs) => {
    const { backend, call, offset } = session();
    backend.skewMs = hour;
    backend.statuses.push(401);
    await call();
    expect(offset()).toBe(hour + 500);
    backend.skewMs = hour + secondMs; // a second off the last reading either way: still the same clock
    backend.statuses.push(401);
    await call();
    expect(offset()).toBe(hour + 500);
  });

  it('takes no change from answers 6.5 s late whose Date was written when they were sent', async () => {
    const { backend, call, offset } = session();
    backend.lateMs = 6_500;
    await call(2); // the first and the next agree: a change would be taken
    expect(offset()).toBe(0);
  });

  it("does not set the clock back on a 401 that came 6.5 s late, though a 401's Date is taken at once", async () => {
    const { backend, call, offset } = session();
    await call(); // the first: clocks agree
    backend.lateMs = 6_500;
    backend.statuses.push(401);
    await call(); // not one the sampling reads, nor its replay
    expect(offset()).toBe(0);
  });

  it('takes a backend two minutes behind from answers 6.5 s late, off by half their delay at most', async () => {
    const { backend, call, offset } = session();
    backend.skewMs = -120_000;
    backend.lateMs = 6_500;
    await call(2);
    // Its Date may have been written at the send or on arrival: not read as 6.5 s more behind.
    expect(Math.abs(offset() - -120_000)).toBeLessThanOrEqual(6_500 / 2 + 500);
  });

  it('passes on an answer with no headers at all (a test double), reading no clock from it', async () => {
    const answer = { status: 200, ok: true } as Response;
    const { client } = clockedSession({ getToken: () => 'opaque-token', fetch: async () => answer });
    expect(await client.authFetch(`${API}/api/credits`)).toBe(answer);
    expect(client.report().clockOffsetMs).toBe(0);
  });
});

describe("the backend's clock, read while a validation is out", () => {
  it('trusts the token the backend then vouches for a lead window on that clock, not on the one before', async () => {
    const clock = new SimulatedClock();
    clock.set(10 * day); // a whole second: a Date header says exactly the backend's time
    const validations: Array<(valid: boolean) => void> = [];
    const answers: Array<(response: Response) => void> = [];
    const { client } = clockedSession({
      getToken: () => jwt(10 * day + 90_000), // ends in 90 s
      validate: () => new Promise<boolean>((resolve) => validations.push(resolve)),
      expiryLeadMs: lead,
      remindBeforeMs: 0,
      clock,
      fetch: () => new Promise<Response>((resolve) => answers.push(resolve)),
    });
    const calls = [client.authFetch(`${API}/api/first`), client.authFetch(`${API}/api/second`)];
    answers[0]!(new Response('{}', { status: 401 }));
    await waitFor(client.actor, (s) => s.matches('validating'));
    // The other call's 401 says the backend is 20 s ahead (read at once: a 401 is never cached).
    answers[1]!(new Response('{}', { status: 401, headers: { date: new Date(clock.now() + 20_000).toUTCString() } }));
    await waitFor(client.actor, (s) => s.context.clockOffsetMs === 20_500);
    validations[0]!(true); // at 20.5 s on the backend's clock: trusted until 80.5 s there, 60 s here
    await waitFor(client.actor, (s) => s.matches('active'));

    clock.increment(59_999);
    expect(validations).toHaveLength(1);
    clock.increment(1);
    expect(validations).toHaveLength(2);
    for (const answer of answers.slice(2)) answer(new Response('{}'));
    await Promise.all(calls);
  });
});

describe('createServerClock', () => {
  const at = 10 * day;
  const hour = 3_600_000;
  /** A reader whose tab's clock says `at`, with the offsets it reports. */
  const reader = () => {
    let offset = 0;
    const reports: number[] = [];
    const clock = createServerClock({ now: () => at, offset: () => offset, report: (ms) => void reports.push((offset = ms)) });
    return { clock, reports };
  };
  const answer = (headers: Record<string, string>) => new Response(null, { headers });

  it("knows the backend's time once an answer says it, or says it never will (no Date); not from a Date that does not parse", () => {
    const garbled = reader();
    garbled.clock.observe(answer({ date: 'soon' }), garbled.clock.sending(), true);
    expect(garbled.clock.known()).toBe(false);
    const none = reader();
    none.clock.observe(answer({}), none.clock.sending(), true);
    expect(none.clock.known()).toBe(true);
    const agreeing = reader();
    agreeing.clock.observe(answer({ date: new Date(at).toUTCString() }), agreeing.clock.sending());
    expect(agreeing.clock.known()).toBe(true);
    const changed = reader();
    changed.clock.observe(answer({ date: new Date(at + hour).toUTCString() }), changed.clock.sending(), true);
    expect({ known: changed.clock.known(), reports: changed.reports }).toEqual({ known: true, reports: [hour + 500] });
  });

  it('reads the answer after one whose Date or Age does not parse, not the fiftieth after it', () => {
    const garbledAnswers: Record<string, string>[] = [{ date: 'soon' }, { date: new Date(at).toUTCString(), age: 'soon' }];
    for (const garbled of garbledAnswers) {
      const { clock, reports } = reader();
      clock.observe(answer({ date: new Date(at).toUTCString() }), clock.sending()); // the first: clocks agree
      for (let i = 0; i < 49; i++) clock.observe(answer({}), clock.sending()); // answers 2 to 50 are not read
      clock.observe(answer(garbled), clock.sending()); // the 51st is read, and tells nothing
      clock.observe(answer({ date: new Date(at + hour).toUTCString() }), clock.sending()); // the backend's clock was set an hour ahead
      clock.observe(answer({ date: new Date(at + hour).toUTCString() }), clock.sending()); // and the next agrees
      expect(reports).toEqual([hour + 500]);
    }
  });

  it("adds a cache's Age to its Date: kept ten minutes, from a backend an hour behind", () => {
    const { clock, reports } = reader();
    clock.observe(answer({ date: new Date(at - hour - 600_000).toUTCString(), age: '600' }), clock.sending(), true);
    expect(reports).toEqual([-hour + 500]);
  });

  it("says how far its reading may be off: none said before one, then the Date's second and half the answer's delay", () => {
    const { clock } = reader();
    expect(clock.uncertaintyMs()).toBe(0);
    clock.observe(answer({ date: new Date(at).toUTCString() }), clock.sending()); // quick, and the clocks agree
    expect(clock.uncertaintyMs()).toBe(1_000);
    clock.observe(answer({ date: new Date(at + hour).toUTCString() }), at - 6_000, true); // a 401 sent 6 s ago
    expect(clock.uncertaintyMs()).toBe(1_000 + 3_000);
  });
});

describe('createServerClock, reading the clock only for the answers it reads', () => {
  const at = 10 * day;
  const hour = 3_600_000;
  /** A reader on a tab's clock the test sets, counting the reads of it (each costs, on every call: 0009). */
  const timing = () => {
    const tab = { now: at, reads: 0 };
    let offset = 0;
    const reports: number[] = [];
    const clock = createServerClock({
      now: () => {
        tab.reads++;
        return tab.now;
      },
      offset: () => offset,
      report: (ms) => void reports.push((offset = ms)),
    });
    /** One request going out: its send time for `observe`, and whether taking it read the clock. */
    const send = () => {
      const before = tab.reads;
      const sentAt = clock.sending();
      return { sentAt, timed: tab.reads > before };
    };
    /** An answer whose Date is the backend's time now, `skewMs` off this tab's. */
    const dated = (skewMs = 0, status = 200) => new Response(null, { status, headers: { date: new Date(tab.now + skewMs).toUTCString() } });
    return { clock, tab, reports, send, dated };
  };

  it('times sends after a wake until one sent since is answered, then one in fifty again', () => {
    const { clock, send, dated } = timing();
    const first = send();
    clock.observe(dated(), first.sentAt);
    expect(send().timed).toBe(false);
    clock.readNext();
    const since = send();
    expect([since.timed, send().timed]).toEqual([true, true]); // none answered yet
    clock.observe(dated(), since.sentAt);
    expect([send().timed, send().timed]).toEqual([false, false]);
  });

  it('does not take the answer to a send out across the wake as the reading it owes', () => {
    const { clock, tab, send, dated } = timing();
    const across = send(); // the first: timed
    tab.now += hour; // asleep
    clock.readNext();
    clock.observe(dated(), across.sentAt);
    expect(send().timed).toBe(true);
  });

  it('keeps timing sends while the one sent since the wake is unanswered, a 401 to an untimed one sent before notwithstanding', () => {
    const { clock, send, dated } = timing();
    const first = send();
    clock.observe(dated(), first.sentAt);
    const before = send();
    expect(before.timed).toBe(false);
    clock.readNext();
    expect(send().timed).toBe(true); // then aborted: never answered
    clock.observe(dated(0, 401), before.sentAt, true);
    expect(send().timed).toBe(true);
  });

  it('times the sends after an answer redirected to another origin until one sent since is answered', () => {
    const { clock, send, dated } = timing();
    const [out, redirected] = [send(), send()]; // both timed: the backend's clock is not known yet
    const elsewhere = Object.defineProperties(dated(hour), { redirected: { value: true }, url: { value: 'https://elsewhere.example/' } });
    clock.observe(elsewhere, redirected.sentAt, false, `${API}/api/credits`);
    clock.observe(dated(), out.sentAt); // sent before the redirect came: the clock is known, the reading still owed
    const since = send();
    expect(since.timed).toBe(true);
    clock.observe(dated(), since.sentAt);
    expect(send().timed).toBe(false);
  });

  it("times only the first send and one in fifty when none is owed, though this tab's clock went back while the first was out", () => {
    const { clock, tab, send, dated } = timing();
    send(); // cut off: never answered
    tab.now -= 10_000; // set back (NTP)
    const second = send();
    clock.observe(dated(), second.sentAt);
    expect(send().timed).toBe(false);
  });

  it('reads nothing from the answer to a send it did not time, unless told to (a 401)', () => {
    const { clock, reports, send, dated } = timing();
    const first = send();
    clock.observe(dated(), first.sentAt);
    clock.observe(dated(hour), send().sentAt);
    expect(reports).toEqual([]);
    clock.observe(dated(hour, 401), send().sentAt, true);
    expect(reports).toEqual([hour + 500]);
  });
});
