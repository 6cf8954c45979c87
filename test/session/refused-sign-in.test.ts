/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { AuthExpiredError, selectBannerView, selectReauthProblem } from '../../src/lib/session/index.ts';
import { track } from '../support/outcomes.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const API = 'https://api.test';
const far = 4_000_000_000;
const jwt = (n: number, exp = far) => unsignedJwt({ sub: 'ada', n, exp });
const refused = 'Signed in, but the server refused the new sign-in. Press Reconnect to try again.';
const stops = stoppedAfterEach();

/**
 * An expired session whose backend takes only the tokens in `accepted` (none at first): a user disabled since, a
 * key that differs between the backend that signs in and the one that checks, or a sign-in whose tokens are born
 * expired. Every popup succeeds with the next token `mint` makes.
 */
function refusing(mint: (n: number) => string = jwt, overrides: Partial<AuthFetchOptions> = {}) {
  let token = jwt(1);
  const accepted = new Set<string>();
  const sent: string[] = [];
  const validated: string[] = [];
  let popups = 0;
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = next),
    validate: async ({ token: asked }) => {
      validated.push(asked!);
      return accepted.has(asked!);
    },
    reauthenticate: async () => mint(++popups + 1),
    allowedOrigins: [API],
    clock: new SimulatedClock(),
    fetch: async (input, init) => {
      const bearer = new Headers(init?.headers).get('authorization');
      sent.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return new Response('{}', { status: accepted.has(bearer?.slice(7) ?? '') ? 200 : 401 });
    },
    ...overrides,
  });
  stops.push(client.stop);
  return { client, accepted, sent, validated, token: () => token, popups: () => popups };
}

/** Presses Reconnect and waits until the sign-in and what follows it are over: the banner back, or the calls let go. */
async function reconnect(h: ReturnType<typeof refusing>) {
  const popups = h.popups();
  h.client.reconnect();
  return waitFor(h.client.actor, (s) => h.popups() > popups && !s.matches('reauthenticating') && !s.matches('validating'));
}

describe('a sign-in whose new token the backend refuses at once', () => {
  it('keeps the held call held and unsent, and says the sign-in was refused', async () => {
    const h = refusing();
    const call = track(h.client.authFetch(`${API}/api/generate`, { method: 'POST', body: 'a ring' }));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);

    const after = await reconnect(h);
    expect(selectBannerView(after)).toBe('expired');
    expect(selectReauthProblem(after)).toBe(refused);
    // Sent once, with the token that met the first 401: never with the one the backend refused after the sign-in.
    expect(h.sent).toEqual([`POST ${API}/api/generate`]);
    expect(call.settled).toBe(false);
    expect(after.context.queue).toHaveLength(1);
  });

  it('gives the held call up with AuthExpiredError after reauthAttempts such sign-ins, and Reconnect waits', async () => {
    const h = refusing(jwt, { limits: { reauthAttempts: 3, reauthCooldownMs: 30_000 } });
    const call = h.client.authFetch(`${API}/api/generate`, { method: 'POST', body: 'a ring' }).catch((error: unknown) => error);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);

    expect(selectBannerView(await reconnect(h))).toBe('expired');
    expect(selectBannerView(await reconnect(h))).toBe('expired');
    expect(selectBannerView(await reconnect(h))).toBe('coolingDown');
    const given = await call;
    expect(given).toBeInstanceOf(AuthExpiredError);
    expect(given).toMatchObject({ reason: 'sign-in-given-up' });
    h.client.reconnect();
    expect(h.popups()).toBe(3);
    expect(h.sent).toEqual([`POST ${API}/api/generate`]);
  });

  it('replays the held call once the backend takes a new token, and starts the count afresh', async () => {
    const h = refusing();
    const call = h.client.authFetch(`${API}/api/generate`, { method: 'POST', body: 'a ring' });
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    expect((await reconnect(h)).context.reauthFailures).toBe(1);

    h.accepted.add(jwt(3));
    const back = await reconnect(h);
    expect((await call).status).toBe(200);
    expect(back.context).toMatchObject({ reauthFailures: 0, lastReauthError: null });
    expect(h.sent).toEqual([`POST ${API}/api/generate`, `POST ${API}/api/generate`]);
  });

  it('asks the backend once per sign-in whose tokens are born expired (a TTL of 0), and stops at the attempts', async () => {
    // exp a minute before the epoch: past on any clock, as a backend issuing with a TTL of 0 or less, or a fast one.
    const h = refusing((n) => jwt(n, -60), { limits: { reauthAttempts: 2 } });
    const call = h.client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);

    expect(selectReauthProblem(await reconnect(h))).toBe(refused);
    expect(selectBannerView(await reconnect(h))).toBe('coolingDown');
    expect(await call).toMatchObject({ name: 'AuthExpiredError', reason: 'sign-in-given-up' });
    expect(h.validated).toEqual([jwt(1), jwt(2, -60), jwt(3, -60)]);
    expect(h.sent).toEqual([`GET ${API}/api/credits`]);
  });
});
