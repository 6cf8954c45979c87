/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { lastTokenClaims, readTokenClaims } from '../../src/lib/session/token-claims.ts';
import { createExpiryAwareness } from '../../src/lib/session/token-expiry.ts';
import { sessionWhoseChecksErr } from '../support/erring-checks.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const API = 'https://api.test';
const lead = 60_000;

/** A JWT for `sub` that expires at `expMs` on the backend's clock. */
const jwt = (expMs: number, sub = 'ada') => unsignedJwt({ sub, exp: expMs / 1000 });

/** A session on a simulated clock before a backend `skewMs` behind this tab, which takes a token until exp + `leewayMs`. */
function session(
  options: {
    expMs: number;
    skewMs?: number;
    leewayMs?: number;
    answerDate?: boolean;
    clock?: { now(): number };
  } & Partial<AuthFetchOptions>,
) {
  const { expMs, skewMs = 0, leewayMs = 0, answerDate = false, ...overrides } = options;
  const clock = (options.clock ?? new SimulatedClock()) as SimulatedClock;
  const backendNow = () => clock.now() - skewMs;
  let token: string | null = jwt(expMs);
  const accepts = (t: string | null) => t !== null && JSON.parse(atob(t.split('.')[1]!)).exp * 1000 + leewayMs > backendNow();
  const sent: Array<{ at: number; accepted: boolean }> = [];
  const validate = vi.fn(async ({ token: t }: { token: string | null }) => accepts(t));
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = next),
    validate,
    reauthenticate: async () => jwt(backendNow() + 3_600_000),
    allowedOrigins: [API],
    expiryLeadMs: lead,
    clock: clock as AuthFetchOptions['clock'],
    fetch: async (_input, init) => {
      const bearer = new Headers(init?.headers).get('authorization')?.slice(7) ?? null;
      sent.push({ at: clock.now(), accepted: accepts(bearer) });
      const headers = answerDate ? { date: new Date(backendNow()).toUTCString() } : undefined;
      return new Response('{}', { status: accepts(bearer) ? 200 : 401, headers });
    },
    ...overrides,
  });
  stops.push(client.stop);
  return { client, clock, validate, sent, setToken: (next: string | null) => (token = next) };
}
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.restoreAllMocks();
});

/** Lets the promises of a call settle. */
const settle = async () => {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('expiry', () => {
  it('validates on its own when the token enters its lead window, without waiting for a 401', () => {
    const { client, clock, validate } = session({ expMs: 61_000 });
    clock.increment(999);
    expect(validate).not.toHaveBeenCalled();
    clock.increment(1);
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('holds calls with a token known to be expiring and validates before sending any', async () => {
    const { client, clock, validate, sent } = session({ expMs: 120_000 });
    clock.increment(70_000);
    const call = client.authFetch(`${API}/api/credits`);
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    expect(sent).toEqual([]);
    expect((await call).status).toBe(200);
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('never sends a token past its exp, even after the backend accepted it in its lead window', async () => {
    const { client, clock, validate, sent } = session({ expMs: 120_000 });
    clock.increment(60_000); // the lead window: the backend still accepts it, and says so
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 1);
    clock.increment(60_000); // its exp: the tab's own timer asks again, and the backend says no
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    const calls = [1, 2, 3, 4, 5].map((i) => client.authFetch(`${API}/api/item/${i}`).catch(() => null));
    await settle();
    expect(sent.filter((s) => !s.accepted)).toEqual([]);
    client.reconnect();
    expect((await Promise.all(calls)).map((r) => r?.status)).toEqual([200, 200, 200, 200, 200]);
    expect(sent.filter((s) => !s.accepted)).toEqual([]);
  });

  it('does not trust a token the backend refused: offered again by another tab, no call goes with it and the banner stays', async () => {
    // The backend's clock is 70 s ahead and says nothing of it: the token is dead there when its lead window opens here.
    const { client, clock, validate, sent } = session({ expMs: 120_000, skewMs: -70_000 });
    clock.increment(60_000);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.adoptToken(jwt(120_000)); // the same token, from a tab that has not heard
    const call = client.authFetch(`${API}/api/credits`).catch(() => null);
    const held = await waitFor(client.actor, (s) => s.context.queue.length === 1);
    expect(held.matches('needsReauth')).toBe(true);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(sent).toEqual([]);
    client.stop();
    await call;
  });

  it('asks a backend that still accepts a token past its exp (clocks differ) once a lead window, not on every call', async () => {
    // This tab's clock is 90 s fast and the backend never says when it is.
    const { client, clock, validate, sent } = session({ expMs: 3_600_000, skewMs: 90_000 });
    clock.increment(3_600_000 + 1_000); // past exp here; 89 s before it at the backend
    for (let i = 0; i < 20; i++) {
      expect((await client.authFetch(`${API}/api/item/${i}`)).status).toBe(200);
      clock.increment(2_000);
    }
    // 40 s of calls: one validation (when the token looked expired here), trusted for a lead window.
    expect(validate).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(20);
  });

  it("reads the backend's clock from its Date header: a fast tab neither asks early nor sends late", async () => {
    // This tab's clock is 10 minutes fast; the backend says the time in each answer.
    const skew = 600_000;
    const { client, clock, validate } = session({ expMs: 3_600_000, skewMs: skew, answerDate: true });
    clock.increment(skew); // the backend's t = 0
    // Two answers agree (one alone could have come from the browser's cache, with an old Date).
    for (let i = 0; i < 2; i++) expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    expect(Math.abs(client.actor.getSnapshot().context.clockOffsetMs + skew)).toBeLessThanOrEqual(1_000);
    // Uncorrected, the tab would validate 10 minutes early, at its own exp - lead.
    clock.increment(3_600_000 - lead - skew - 2_000);
    expect(validate).not.toHaveBeenCalled();
    clock.increment(skew);
    expect(validate).not.toHaveBeenCalled();
    clock.increment(4_000); // the backend's exp - lead, within the Date header's second
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it("arms the expiry timer on the backend's clock it has just read, when this tab is slow", async () => {
    // This tab's clock is 10 minutes slow: by the backend's clock the token starts expiring 10 minutes sooner.
    const skew = -600_000;
    const { client, clock, validate } = session({ expMs: 3_600_000, skewMs: skew, answerDate: true });
    for (let i = 0; i < 2; i++) expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    expect(Math.abs(client.actor.getSnapshot().context.clockOffsetMs + skew)).toBeLessThanOrEqual(1_000);
    expect(Math.abs(client.actor.getSnapshot().context.expiresAt! - (3_600_000 + skew))).toBeLessThanOrEqual(1_000);
    clock.increment(3_600_000 - lead + skew + 1_000); // the backend's exp - lead, past the Date header's second
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('arms the expiry timer again for the token of a reconnect', async () => {
    const { client, clock, validate } = session({ expMs: 120_000 });
    clock.increment(120_000);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect(); // a token for one more hour
    await waitFor(client.actor, (s) => s.matches('active'));
    validate.mockClear();
    clock.increment(3_600_000 - lead - 1);
    expect(validate).not.toHaveBeenCalled();
    clock.increment(1);
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('arms the expiry timer again for a token adopted from another tab', () => {
    const { client, clock, validate } = session({ expMs: 3_600_000 });
    client.adoptToken(jwt(600_000));
    clock.increment(600_000 - lead - 1);
    expect(validate).not.toHaveBeenCalled();
    clock.increment(1);
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('looks again when the tab is shown or focused: timers sleep in background tabs', async () => {
    const { client, validate, setToken } = session({ expMs: 3_600_000 });
    // The stored token changed under the tab (another tab's sign-in) without an event: only a look tells.
    setToken(jwt(30_000));
    document.dispatchEvent(new Event('visibilitychange'));
    expect(validate).toHaveBeenCalledTimes(1);
    await waitFor(client.actor, (s) => s.matches('active'));
    setToken(jwt(50_000, 'ada'));
    window.dispatchEvent(new Event('focus'));
    expect(validate).toHaveBeenCalledTimes(2);
  });

  it('does not look when the tab is hidden, only when it is shown again', () => {
    const { validate, setToken } = session({ expMs: 3_600_000 });
    setToken(jwt(30_000)); // expiring, changed under the tab without an event
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange')); // the user switched to another tab
    expect(validate).not.toHaveBeenCalled();
    visibility.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('reads a getToken that throws as no token at all: no check is started for the token it last gave', async () => {
    let broken = false;
    const { client, clock } = session({
      expMs: 120_000,
      getToken: () => {
        if (broken) throw new Error('storage is gone');
        return jwt(120_000);
      },
      // The backend vouches for the token; then the storage goes.
      validate: async () => {
        broken = true;
        return true;
      },
    });
    clock.increment(60_000);
    await waitFor(client.actor, (s) => s.matches('active') && broken);
    clock.increment(1_000);
    expect(client.actor.getSnapshot().value).toEqual({ active: 'quiet' });
  });

  it('lets a getToken that throws reject the call, and nothing else: no uncaught error', async () => {
    const uncaught: unknown[] = [];
    const onError = (event: ErrorEvent) => uncaught.push(event.error);
    window.addEventListener('error', onError);
    const { client, clock } = session({
      expMs: 61_000,
      getToken: () => {
        throw new Error('storage is gone');
      },
    });
    clock.increment(1_000); // the expiry timer reads the token too
    await expect(client.authFetch(`${API}/api/credits`)).rejects.toThrow('storage is gone');
    window.removeEventListener('error', onError);
    expect(uncaught).toEqual([]);
  });
});

describe("a yes at exp, on a reading of the backend's clock half a second fast", () => {
  // The backend is 3 s ahead of this tab, its Dates whole seconds: read as 3.5 s ahead.
  const readClock = async (client: ReturnType<typeof session>['client']) => {
    for (let i = 0; i < 2; i++) expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    expect(client.actor.getSnapshot().context.clockOffsetMs).toBe(3_500);
  };

  it('is no proof the backend takes the token past exp: a write a moment after exp waits for a check, and the banner comes', async () => {
    const { client, clock, validate, sent } = session({ expMs: 3_600_000, skewMs: -3_000, answerDate: true });
    await readClock(client);
    clock.increment(3_536_500); // the lead window opens on the reading: the backend says yes
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 1);
    clock.increment(60_000); // exp on the reading, 0.5 s before it at the backend: yes again
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 2);
    clock.increment(860); // 0.36 s past exp at the backend
    const write = client.authFetch(`${API}/api/designs`, { method: 'POST', body: '{}', replay: false }).catch((error: Error) => error);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    expect(sent.filter((s) => !s.accepted)).toEqual([]);
    client.reconnect();
    expect(await write).toMatchObject({ status: 200 });
  });

  it('trusts a backend that still takes the token a second past exp (leeway) for a lead window, after one more check', async () => {
    const { client, clock, validate, sent } = session({ expMs: 3_600_000, skewMs: -3_000, answerDate: true, leewayMs: 30_000 });
    await readClock(client);
    clock.increment(3_536_500 + 60_000); // exp on the reading
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length >= 1);
    for (let i = 0; i < 20; i++) {
      clock.increment(500);
      expect((await client.authFetch(`${API}/api/item/${i}`)).status).toBe(200);
    }
    // 10 s of calls from exp: the lead window's check, exp's, and one once the reading's uncertainty passed; not one per call.
    expect(validate.mock.calls.length).toBeLessThanOrEqual(3);
    expect(sent.filter((s) => !s.accepted)).toEqual([]);
  });

  it('holds a call after exp in a shown page when the yes came just before it: the timer that asks again is not trusted', async () => {
    // A lead of half a second: the check goes 0.5 s before exp on the reading, 1 s before it at the backend.
    const { client, clock, validate, sent } = session({ expMs: 3_600_000, skewMs: -3_000, answerDate: true, expiryLeadMs: 500 });
    await readClock(client);
    clock.increment(3_596_000);
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 1);
    clock.increment(1_200); // 0.2 s past exp at the backend
    const call = client.authFetch(`${API}/api/credits`).catch((error: Error) => error);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    expect(sent.filter((s) => !s.accepted)).toEqual([]);
    client.reconnect();
    expect(await call).toMatchObject({ status: 200 });
  });
});

describe('expiry, with a clock that has timers only', () => {
  it("reads the token's expiry on Date.now: a token in its lead window is validated before a call goes", async () => {
    const validate = vi.fn(async () => true);
    const client = createAuthFetch({
      getToken: () => jwt(Date.now() + 30_000),
      setToken: () => {},
      validate,
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      expiryLeadMs: lead,
      clock: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id as number) },
      fetch: async () => new Response('{}'),
    });
    stops.push(client.stop);
    expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    expect(validate).toHaveBeenCalled();
  });
});

describe('expiry, when the backend cannot say', () => {
  it('asks about an expiring token once a lead window while the validation keeps answering with a server error, not in a loop', async () => {
    const { client, clock, validate } = session({ expMs: 3_600_000, limits: { validationRetries: 1, validationBackoffMs: 1_000 } });
    validate.mockImplementation(async () => {
      throw new Error('Checking the session failed (503).');
    });
    clock.increment(3_600_000 - lead); // the lead window: the timer asks, twice (one retry), then lets go
    for (let second = 0; second < 30; second++) {
      clock.increment(1_000);
      await settle();
    }
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
    expect(validate).toHaveBeenCalledTimes(2);
    clock.increment(lead); // a lead window later, it asks again
    await settle();
    expect(validate).toHaveBeenCalledTimes(3);
  });
});

describe('expiry, when timers sleep', () => {
  /** A clock whose timers never fire, as a background tab's or a sleeping laptop's may not. */
  const sleepingClock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms), setTimeout: () => 0, clearTimeout: () => {} };
  };

  it('reads the clock on each call in a hidden page: past the lead a call is held and validated, never sent', async () => {
    const clock = sleepingClock();
    const { client, validate, sent } = session({ expMs: 120_000, clock: clock as never });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    try {
      clock.advance(130_000); // past exp; the timer never fired
      const call = client.authFetch(`${API}/api/credits`).catch(() => null);
      await waitFor(client.actor, (s) => s.matches('needsReauth'));
      expect(sent).toEqual([]);
      expect(validate).toHaveBeenCalledTimes(1);
      client.stop();
      await call;
    } finally {
      Object.defineProperty(document, 'hidden', { value: false, configurable: true });
    }
  });

  it('trusts, in a shown page, the timer set for this very token: a call as the lead window opens goes at once', async () => {
    const clock = sleepingClock();
    const { client, validate, sent } = session({ expMs: 120_000, clock: clock as never });
    clock.advance(70_000); // in the lead window; the timer, due at 60 s, runs a task later
    expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    expect(sent).toEqual([{ at: 70_000, accepted: true }]);
    expect(validate).not.toHaveBeenCalled();
  });

  it('reads the clock for a token the timer was not set for', async () => {
    const clock = sleepingClock();
    const { client, validate, sent, setToken } = session({ expMs: 3_600_000, clock: clock as never });
    setToken(jwt(10_000)); // stored under the tab, without an event
    clock.advance(20_000);
    const call = client.authFetch(`${API}/api/credits`).catch(() => null);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    expect(sent).toEqual([]);
    expect(validate).toHaveBeenCalledTimes(1);
    client.stop();
    await call;
  });
});

/** A session on a tab 90 s slow, whose backend says its time in every answer. */
function slowTabSession() {
  const clock = new SimulatedClock();
  const backendNow = () => clock.now() + 90_000;
  const sent: number[] = [];
  const client = createAuthFetch({
    getToken: () => jwt(690_000), // expiring from 630 s on the backend's clock, 540 s on this tab's
    setToken: () => {},
    validate: () => new Promise<boolean>(() => {}),
    reauthenticate: () => new Promise<string>(() => {}), // the popup stays open
    allowedOrigins: [API],
    expiryLeadMs: lead,
    remindBeforeMs: 120_000,
    clock,
    fetch: async () => {
      sent.push(backendNow());
      return new Response('{}', { headers: { date: new Date(backendNow()).toUTCString() } });
    },
  });
  stops.push(client.stop);
  return { client, clock, sent };
}

// A tab whose clock is off learns the backend's from the `Date` of an answer, and its timers move with it.
describe("the backend's clock, once read", () => {
  it('sets the expiry timer by it', async () => {
    const { client, clock, sent } = slowTabSession();
    clock.increment(420_000);
    // Two answers whose Date says 510 s: the tab learns it is 90 s slow.
    for (let i = 0; i < 2; i++) await client.authFetch(`${API}/api/credits`);
    expect(Math.abs(client.actor.getSnapshot().context.clockOffsetMs - 90_000)).toBeLessThanOrEqual(1_000);

    clock.increment(120_000); // 630 s at the backend: the token is expiring
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    expect(sent).toEqual([510_000, 510_000]);
  });
});

// Another tab may write the token to the shared storage with no word (no adoptToken) while this one is checked.
describe('a token stored with no word while another is validated', () => {
  /** A session on `old` (ending at `expMs`) whose check of it waits for `answerOld`; any other token is answered `others` at once. */
  function checkingOld(
    others: boolean | ((token: string | null) => boolean),
    options: { expMs?: number; fetch?: AuthFetchOptions['fetch'] } = {},
  ) {
    const { expMs = 120_000, ...overrides } = options;
    const old = jwt(expMs);
    let answerOld!: (valid: boolean) => void;
    const validate = vi.fn(({ token }: { token: string | null }) =>
      token === old
        ? new Promise<boolean>((resolve) => (answerOld = resolve))
        : Promise.resolve(typeof others === 'boolean' ? others : others(token)),
    );
    const checked = () => validate.mock.calls.map(([{ token }]) => token);
    return { ...session({ expMs, validate, ...overrides }), old, checked, answerOld: (valid: boolean) => answerOld(valid) };
  }
  /** `checkingOld`, its old token expiring, and a call held while that token is checked. */
  function callHeldWhileOldIsChecked(others: boolean | ((token: string | null) => boolean)) {
    const checking = checkingOld(others);
    checking.clock.increment(70_000); // the old token is expiring: the call is held while it is checked
    return { ...checking, call: checking.client.authFetch(`${API}/api/credits`).catch(() => null) };
  }

  it('is validated before the held calls go with it: a dead one is not sent', async () => {
    const dead = jwt(30_000);
    // The dead one refused; the sign-in's is taken.
    const { client, sent, setToken, old, checked, answerOld, call } = callHeldWhileOldIsChecked((token) => token !== dead);
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    setToken(dead); // 40 s past its exp
    answerOld(true);
    await settle();
    expect(sent).toEqual([]);
    expect(checked()).toEqual([old, dead]);
    expect(client.actor.getSnapshot().matches('needsReauth')).toBe(true);
    client.reconnect();
    expect((await call)?.status).toBe(200);
    expect(sent.map((s) => s.accepted)).toEqual([true]);
  });

  it('is asked about when the old one is refused: a good one brings the calls back without the banner', async () => {
    const fresh = jwt(3_600_000);
    const { client, sent, setToken, old, checked, answerOld, call } = callHeldWhileOldIsChecked(true);
    setToken(fresh); // another tab's sign-in, stored with no word here
    answerOld(false);
    await settle();
    expect(checked()).toEqual([old, fresh]);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
    expect((await call)?.status).toBe(200);
    expect(sent.map((s) => s.accepted)).toEqual([true]); // sent once, with the good token
  });

  it('is not asked about when good and the old one is accepted: the calls go with it after one check', async () => {
    const fresh = jwt(3_600_000);
    const { sent, setToken, old, checked, answerOld, call } = callHeldWhileOldIsChecked(true);
    setToken(fresh); // another tab's sign-in, stored with no word here
    answerOld(true);
    expect((await call)?.status).toBe(200);
    expect(checked()).toEqual([old]);
    expect(sent.map((s) => s.accepted)).toEqual([true]);
  });

  it('is none when the old one is refused: the banner, and no check without a token', async () => {
    const { client, sent, setToken, old, checked, answerOld } = callHeldWhileOldIsChecked(true);
    setToken(null); // signed out in another tab, with no word here
    answerOld(false);
    await settle();
    expect(checked()).toEqual([old]);
    expect(client.actor.getSnapshot().matches('needsReauth')).toBe(true);
    expect(sent).toEqual([]);
  });

  it('keeps calls held when both are refused and another tab names the old one again (a late message)', async () => {
    const other = jwt(3_599_000); // revoked too ("Expire session"): refused though not past exp
    const sent: string[] = [];
    const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get('authorization') === `Bearer ${old}` ? 'old' : 'other');
      return new Response('{}', { status: 401 });
    };
    const { client, setToken, old, checked, answerOld } = checkingOld(false, { expMs: 3_600_000, fetch });
    const call = client.authFetch(`${API}/api/credits`).then((response) => response.status);
    await settle(); // its 401: the old token is checked
    setToken(other); // another tab's, stored with no word
    answerOld(false);
    await settle();
    expect(checked()).toEqual([old, other]);
    client.adoptToken(old, { whileSignedIn: true }); // that tab's message naming the old token, late
    await settle();
    expect(sent).toEqual(['old']);
    expect(client.actor.getSnapshot().matches('needsReauth')).toBe(true);
    expect(await Promise.race([call, settle().then(() => 'held')])).toBe('held');
  });
});

// A reading that shows the token expiring already sets the timer for now: it fires a task later, so a call can come first.
describe('an expiry timer due but not yet run', () => {
  it('is not trusted by a call made in the meantime', async () => {
    const { client, clock, sent } = slowTabSession();
    clock.increment(540_000); // 630 s at the backend: expiring there, not yet by this tab's clock
    for (let i = 0; i < 2; i++) await client.authFetch(`${API}/api/credits`); // their Date says so
    void client.authFetch(`${API}/api/credits`).catch(() => {}); // before the timer's task
    expect(sent).toEqual([630_000, 630_000]);
  });

  // The renewal from the notice ("Stay signed in") sends as `active` does, and arms its timer the same way.
  it('is not trusted by a call made in the meantime, while renewing before expiry', async () => {
    const { client, clock, sent } = slowTabSession();
    clock.increment(600_000); // 600 s here (690 s at the backend): the reminder is due by this tab's clock
    client.actor.send({ type: 'user.active' });
    client.reconnect(); // "Stay signed in": the popup opens, calls still go
    expect(client.actor.getSnapshot().matches({ reauthenticating: 'renewing' })).toBe(true);
    for (let i = 0; i < 2; i++) await client.authFetch(`${API}/api/credits`); // their Date says 690 s: past its exp there
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    expect(sent).toEqual([690_000, 690_000]);
  });
});

// A token past its exp is dead whatever the backend's server errors leave unsaid: the user is asked.
describe('a validation given up by server errors', () => {
  // exp is the first moment the token is no good (RFC 7519): at it, as past it.
  it.each([
    ['past its exp', 130_000],
    ['at its exp', 120_000],
  ])('does not send a token %s with the calls made after it', async (_, at) => {
    const { client, clock, sent } = sessionWhoseChecksErr({
      api: API,
      token: jwt(120_000),
      limits: { validationRetries: 0 },
      answer: (now) => new Response(null, { status: now < 120_000 ? 200 : 401, headers: { date: new Date(now).toUTCString() } }),
    });
    stops.push(client.stop);
    await client.authFetch(`${API}/api/credits`); // its Date: the backend's clock is this tab's
    clock.increment(at); // the session validates, the backend errs
    await settle();
    // Dead all the same: the user is asked, and calls wait for the new token.
    expect(client.actor.getSnapshot().matches('needsReauth')).toBe(true);

    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await settle();
    expect(sent).toEqual([0]);
  });

  it("before the backend's clock is read, sends the calls once: a 401's Date says the token is dead", async () => {
    const { client, clock, sent } = sessionWhoseChecksErr({
      api: API,
      token: jwt(120_000),
      limits: { validationRetries: 0 },
      answer: (now) => new Response(null, { status: 401, headers: { date: new Date(now).toUTCString() } }),
    });
    stops.push(client.stop);
    clock.increment(130_000); // past exp on this tab's clock, which may be an hour fast: the backend errs
    await settle();
    expect(client.actor.getSnapshot().matches('active')).toBe(true);

    let settled = false;
    void client.authFetch(`${API}/api/credits`).then(
      () => (settled = true),
      () => (settled = true),
    );
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    // Sent once, refused, held for the new token: the banner, and the caller still waiting.
    expect(sent).toEqual([130_000]);
    await settle();
    expect(settled).toBe(false);
  });
});

describe('readTokenClaims', () => {
  it.each([
    [{ exp: 1_700_000_000, sub: 'ada' }],
    [{ exp: 1_700_000_000, s: 'ab' }],
    [{ exp: 1_700_000_000, s: 'abc' }],
    [{ sub: 'no exp' }],
  ])('reads %j', (payload) => {
    expect(readTokenClaims(unsignedJwt(payload))).toEqual(payload);
  });

  it('tells subjects apart by their bytes, base64url letters and padding included', () => {
    const subjects = ['ü?>', 'u?>', 'ü?>~', 'ada'].map((sub) => readTokenClaims(unsignedJwt({ exp: 1_700_000_000, sub })));
    expect(new Set(subjects.map((claims) => claims.sub)).size).toBe(4);
    expect(readTokenClaims(unsignedJwt({ sub: 'ü?>' })).sub).toBe(subjects[0]!.sub);
    expect(subjects.map((claims) => claims.exp)).toEqual(Array(4).fill(1_700_000_000));
  });

  it.each([null, '', 'opaque-token', 'a.%%%.c', 'a.bm90IGpzb24.c', 'a..c', unsignedJwt(null), unsignedJwt(42), unsignedJwt('text')])(
    'finds no claims in %j',
    (token) => {
      const claims = readTokenClaims(token);
      expect([claims.exp, claims.sub]).toEqual([undefined, undefined]);
    },
  );

  it('parses each token once when it is asked about again (lastTokenClaims)', () => {
    const claims = lastTokenClaims();
    const ada = unsignedJwt({ sub: 'ada' });
    const first = claims(ada);
    expect(claims(ada)).toBe(first);
    expect(claims(unsignedJwt({ sub: 'bob' })).sub).toBe('bob');
    expect(claims(ada)).not.toBe(first);
  });
});

describe('createExpiryAwareness', () => {
  it('counts a token as expiring from exp - lead, until the backend vouches for it', () => {
    let now = 1_700_000_000_000 - 61_000;
    const expiry = createExpiryAwareness({ leadMs: 60_000, now: () => now, claims: lastTokenClaims() });
    const token = unsignedJwt({ exp: 1_700_000_000 });
    expect(expiry.isExpiring(token)).toBe(false);
    expect(expiry.msUntilExpiring(token)).toBe(1_000);
    now += 1_000;
    expect(expiry.isExpiring(token)).toBe(true);
    expiry.vouch(token);
    expect(expiry.isExpiring(token)).toBe(false);
    expect(expiry.isExpiring(unsignedJwt({ exp: 1_600_000_000 }))).toBe(true);
    expect(expiry.isExpiring('opaque')).toBe(false);
  });

  it('trusts a token vouched for in its last seconds until its exp, not a whole lead past it', () => {
    const now = 1_700_000_000_000 - 30_000;
    const expiry = createExpiryAwareness({ leadMs: 60_000, now: () => now, claims: lastTokenClaims() });
    const token = unsignedJwt({ exp: 1_700_000_000 });
    expiry.vouch(token);
    expect(expiry.msUntilExpiring(token)).toBe(30_000);
  });

  it('trusts a token vouched for right at its exp for a lead window, rather than asking again at once', () => {
    const now = 1_700_000_000_000;
    const expiry = createExpiryAwareness({ leadMs: 60_000, now: () => now, claims: lastTokenClaims() });
    const token = unsignedJwt({ exp: 1_700_000_000 });
    expiry.vouch(token);
    expect(expiry.msUntilExpiring(token)).toBe(60_000);
  });

  it("holds a token vouched for within the reading's uncertainty of its exp from exp on, and asks again once a yes proves it", () => {
    let now = 1_700_000_000_000 + 300;
    const expiry = createExpiryAwareness({ leadMs: 60_000, now: () => now, uncertaintyMs: () => 1_000, claims: lastTokenClaims() });
    const token = unsignedJwt({ exp: 1_700_000_000 });
    expiry.vouch(token, 100); // asked 0.2 s past exp on the reading: maybe before it at the backend
    expect(expiry.isExpiring(token)).toBe(true);
    expect(expiry.msUntilExpiring(token)).toBe(700);
    now += 700;
    expiry.vouch(token, 0); // asked as the reading's uncertainty passed: the backend takes it past exp
    expect(expiry.isExpiring(token)).toBe(false);
    expect(expiry.msUntilExpiring(token)).toBe(60_000);
  });

  it("asks about a new token that is already expiring at once, not when the last token's postponed ask is due", () => {
    const now = 1_700_000_000_000;
    const expiry = createExpiryAwareness({ leadMs: 60_000, now: () => now, claims: lastTokenClaims() });
    expiry.postpone(unsignedJwt({ exp: 1_700_000_010 }));
    expect(expiry.msUntilExpiring(unsignedJwt({ exp: 1_700_000_030 }))).toBe(-30_000);
  });

  it('knows no lifetime for a token whose iat is not a number', () => {
    const expiry = createExpiryAwareness({ leadMs: 0, now: () => 0, claims: lastTokenClaims() });
    expect(expiry.lifetimeMs(unsignedJwt({ iat: '1699999880', exp: 1_700_000_000 }))).toBeNull();
    expect(expiry.lifetimeMs(unsignedJwt({ iat: 1_699_999_880, exp: 1_700_000_000 }))).toBe(120_000);
  });

  it.each([{ exp: '1700000000' }, { sub: 'no exp' }, { exp: null }])('knows no expiry for %j', (payload) => {
    const expiry = createExpiryAwareness({ leadMs: 0, now: () => 0, claims: lastTokenClaims() });
    expect(expiry.msUntilExpiring(unsignedJwt(payload))).toBeNull();
  });
});
