/** @vitest-environment node */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

const API = 'https://api.test';
const lead = 60_000;
/** A JWT for ada that expires at `expMs` on the backend's clock. */
const jwt = (expMs: number) =>
  `${btoa('{"alg":"HS256"}')}.${btoa(JSON.stringify({ sub: 'ada', exp: expMs / 1000 })).replace(/=+$/, '')}.sig`;

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A session on a tab 90 s slow, whose backend says its time in every answer. */
function session() {
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

/**
 * The backend's clock, read from the `Date` of its answers, moves the expiry timer: a tab 90 s slow learns it
 * from an answer and asks 90 s earlier than its own clock says. Found by the fuzz (npm run fuzz, seeds
 * -2088756447, 1644145502, -1388553880; the kept runs in test/fuzz/support/fuzz-found.ts): the timers stayed
 * where the old offset had set them. ecc7f97 and 7a328d5 fixed that.
 */
describe("the backend's clock, once read", () => {
  it('sets the expiry timer by it', async () => {
    const { client, clock, sent } = session();
    clock.increment(420_000);
    await client.authFetch(`${API}/api/credits`); // its Date says 510 s: the tab learns it is 90 s slow
    expect(Math.abs(client.actor.getSnapshot().context.clockOffsetMs - 90_000)).toBeLessThanOrEqual(1_000);

    clock.increment(120_000); // 630 s at the backend: the token is expiring
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    expect(sent).toEqual([510_000]);
  });
});

/**
 * When the reading shows the token expiring already, the timer is set for now (a zero delay), and fires a
 * task later. Since 6d23090 a call with the token the timer is set for does not read the clock: it trusts the
 * timer. Both fail today: a call made before that task (right after the `await` of the answer that brought
 * the reading) goes out with the expiring token, or one past its exp. Found by the fuzz (npm run fuzz on
 * 7a328d5; kept in test/fuzz/support/fuzz-found.ts, awaitingCoreFix).
 */
describe('an expiry timer due but not yet run', () => {
  it('is not trusted by a call made in the meantime', async () => {
    const { client, clock, sent } = session();
    clock.increment(540_000); // 630 s at the backend: expiring there, not yet by this tab's clock
    await client.authFetch(`${API}/api/credits`); // its Date says so
    void client.authFetch(`${API}/api/credits`).catch(() => {}); // before the timer's task
    expect(sent).toEqual([630_000]);
  });

  // The renewal from the notice ("Stay signed in") sends as `active` does, and arms its timer the same way.
  it('is not trusted by a call made in the meantime, while renewing before expiry', async () => {
    const { client, clock, sent } = session();
    clock.increment(600_000); // 600 s here (690 s at the backend): the reminder is due by this tab's clock
    client.actor.send({ type: 'user.active' });
    client.reconnect(); // "Stay signed in": the popup opens, calls still go
    expect(client.actor.getSnapshot().matches({ reauthenticating: 'renewing' })).toBe(true);
    await client.authFetch(`${API}/api/credits`); // its Date says 690 s: the token is past its exp there
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    expect(sent).toEqual([690_000]);
  });
});
