/** @vitest-environment node */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

const API = 'https://api.test';
/** A JWT for ada that expires at `expMs` (the session's clock starts at 0). */
const jwt = (expMs: number) =>
  `${btoa('{"alg":"HS256"}')}.${btoa(JSON.stringify({ sub: 'ada', exp: expMs / 1000 })).replace(/=+$/, '')}.sig`;

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

const settle = async () => {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/**
 * Word that the network is gone (the browser's `offline`, a call failing with fetch's TypeError) takes the
 * session offline: calls wait for the backend. Found by the fuzz (npm test's seed, 20261129; kept in
 * test/fuzz/support/fuzz-found.ts, awaitingCoreFix). Both fail today: only `active` takes network.offline;
 * in any other state the word is dropped, and a sending state or the way back to `active` sends into the
 * network the session was told is gone.
 */
describe('word that the network is gone, outside active', () => {
  // `reauthenticating.renewing` sends as `active` does, and ignores the failure.
  it('stops the calls while renewing before expiry', async () => {
    const clock = new SimulatedClock();
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => jwt(600_000),
      setToken: () => {},
      validate: async () => true,
      reauthenticate: () => new Promise<string>(() => {}), // the popup stays open
      allowedOrigins: [API],
      expiryLeadMs: 60_000,
      remindBeforeMs: 120_000,
      clock,
      fetch: async (input) => {
        sent.push(new URL(String(input)).pathname);
        throw new TypeError('Failed to fetch');
      },
    });
    stops.push(client.stop);
    clock.increment(480_000); // the reminder is due
    client.actor.send({ type: 'user.active' }); // someone uses the page: the notice asks
    client.reconnect(); // "Stay signed in": the popup opens, calls still go
    expect(client.actor.getSnapshot().matches({ reauthenticating: 'renewing' })).toBe(true);

    await expect(client.authFetch(`${API}/api/credits`)).rejects.toBeInstanceOf(TypeError);
    void client.authFetch(`${API}/api/generate`).catch(() => {});
    await settle();
    expect(sent).toEqual(['/api/credits']);
  });

  // `validating` drops the browser's offline; a sign-out takes the session back to `active`, as if online.
  it('is not forgotten by a sign-out while validating', async () => {
    let token: string | null = 't1';
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => token,
      setToken: () => {},
      validate: () => new Promise<boolean>(() => {}), // out when the network goes
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (input) => {
        sent.push(new URL(String(input)).pathname);
        if (sent.length === 1) return new Response(null, { status: 401 });
        throw new TypeError('Failed to fetch');
      },
    });
    stops.push(client.stop);
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await settle();
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    client.actor.send({ type: 'network.offline' }); // the browser's offline (what its listener sends)
    token = null;
    client.endSession(); // the user signs out
    void client.authFetch(`${API}/api/public-feed`).catch(() => {});
    await settle();
    expect(sent).toEqual(['/api/credits']);
  });
});
