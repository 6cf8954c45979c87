/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import type { AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { API, clockedSessions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const lead = 60_000;

/** A JWT for ada that expires at `expMs` on the backend's clock. */
const jwt = (expMs: number) => unsignedJwt({ sub: 'ada', exp: expMs / 1000 });

const clockedSession = clockedSessions();

/** A token that ends in 10 minutes, a backend that accepts it until then, and the notice 2 minutes before. */
function session(overrides: Partial<AuthFetchOptions> = {}) {
  const clock = new SimulatedClock();
  const token = jwt(600_000);
  const validate = vi.fn(async ({ token: t }: { token: string | null }) => t === token && clock.now() < 600_000);
  const { client } = clockedSession({ getToken: () => token, validate, expiryLeadMs: lead, clock, ...overrides });
  return { client, clock, validate };
}

describe("the notice's Not now", () => {
  it('keeps the notice away for the rest of the token, past the lead-window validation', async () => {
    const { client, clock, validate } = session();
    clock.increment(480_000); // 2 minutes before exp: the notice is due
    client.actor.send({ type: 'user.active' });
    expect(client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
    client.dismissReminder(); // "Not now"
    expect(client.actor.getSnapshot().matches({ active: 'dismissed' })).toBe(true);

    clock.increment(lead); // exp - lead: the chart asks the backend, which still accepts the token
    await waitFor(client.actor, (s) => s.matches('active') && validate.mock.calls.length === 1);
    clock.increment(0); // timers due now run (a task later in a browser)
    client.actor.send({ type: 'user.active' }); // the person is still typing
    // Same token, the user said Not now: the notice must not come back.
    expect(client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(false);
  });
});

describe('the notice, when it comes due', () => {
  it('asks about the token stored now: one renewed in the meantime (another tab, no word yet) gets no notice', () => {
    let token = jwt(600_000);
    const { client, clock } = session({ getToken: () => token });
    clock.increment(100_000);
    token = jwt(7_200_000);
    clock.increment(380_000); // 2 minutes before the first token's exp: its notice would be due
    client.actor.send({ type: 'user.active' });
    expect(client.actor.getSnapshot().matches({ active: 'quiet' })).toBe(true);
  });

  it('asks about the token stored now when it was renewed in the moments before, since its timers last looked', () => {
    // The first token's notice is due at 470 s; its timers look again every 30 s (last at 450 s).
    let token = jwt(590_000);
    const { client, clock } = session({ getToken: () => token });
    clock.increment(455_000);
    token = jwt(7_200_000);
    clock.increment(15_000);
    client.actor.send({ type: 'user.active' });
    expect(client.actor.getSnapshot().matches({ active: 'quiet' })).toBe(true);
  });
});

describe('the notice for short-lived tokens', () => {
  /** A JWT for ada issued at `iatMs` that lives `lifeMs`. */
  const issued = (iatMs: number, lifeMs: number) => unsignedJwt({ sub: 'ada', iat: iatMs / 1000, exp: (iatMs + lifeMs) / 1000 });

  it('comes in the second half of a 30 s token, and a renewed token is not asked about at once', () => {
    let token = issued(0, 30_000);
    const { client, clock } = session({
      getToken: () => token,
      setToken: (t) => (token = t),
      expiryLeadMs: 5_000,
      remindBeforeMs: undefined,
    });
    const reminding = () => {
      client.actor.send({ type: 'user.active' });
      return client.actor.getSnapshot().matches({ active: 'reminding' });
    };
    clock.increment(14_999);
    expect(reminding()).toBe(false); // the default 2 minutes is longer than the token's whole life
    clock.increment(1);
    expect(reminding()).toBe(true);

    client.adoptToken(issued(15_000, 30_000)); // "Stay signed in": the new token lives 30 s from now
    expect(reminding()).toBe(false);
    clock.increment(14_999);
    expect(reminding()).toBe(false);
    clock.increment(1);
    expect(reminding()).toBe(true);
  });

  it('comes remindBeforeMs before exp for a token that does not say when it was issued', () => {
    const { client, clock } = session({ getToken: () => jwt(30_000), expiryLeadMs: 5_000, remindBeforeMs: 20_000 });
    clock.increment(10_000);
    client.actor.send({ type: 'user.active' });
    expect(client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
  });
});

describe('the notice, for claims that make no sense', () => {
  /** A JWT for ada with these claims. */
  const claimed = (claims: Record<string, number>) => unsignedJwt({ sub: 'ada', ...claims });

  it('comes remindBeforeMs before exp when iat is not before exp (sent in ms by mistake)', () => {
    for (const iat of [600_000, 600]) {
      const { client, clock } = session({ getToken: () => claimed({ iat, exp: 600 }) });
      clock.increment(480_000);
      client.actor.send({ type: 'user.active' });
      expect(client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
    }
  });

  it('arms no timer loop for claims too large to subtract', () => {
    vi.useFakeTimers(); // the browser's timers: a delay that is no number fires at once
    try {
      const { client } = session({ getToken: () => claimed({ iat: 1e306, exp: 1e306 }), clock: undefined });
      let steps = 0;
      client.actor.subscribe(() => steps++);
      vi.advanceTimersByTime(1_000);
      expect(steps).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the notice, while it is up', () => {
  it('stays up, never hidden for a moment, when an answer shows the backend clock a few seconds off', async () => {
    const { client, clock } = session({
      // The backend is 5 s ahead: its Date header says so.
      fetch: async () => new Response('{}', { headers: { date: new Date(clock.now() + 5_000).toUTCString() } }),
    });
    clock.increment(480_000); // 2 minutes before exp: the notice is due
    client.actor.send({ type: 'user.active' });
    expect(client.actor.getSnapshot().matches({ active: 'reminding' })).toBe(true);
    const seen: unknown[] = [];
    const watching = client.actor.subscribe((s) => seen.push(s.value));

    // The first answer read is believed once the next one read (one in fifty) agrees.
    for (let i = 0; i <= 50; i++) await client.authFetch(`${API}/api/credits`);
    clock.increment(0); // timers due now run
    watching.unsubscribe();

    expect(client.actor.getSnapshot().context.clockOffsetMs).not.toBe(0);
    // Every state the page could render in between still shows the notice (a hidden one loses the user's focus).
    expect(seen).not.toHaveLength(0);
    for (const value of seen) expect(value).toEqual({ active: 'reminding' });
  });
});
