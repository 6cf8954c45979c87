/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch, NotReplayedError, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const API = 'https://api.test';
const far = 4_000_000_000;
const jwt = (n: number) => unsignedJwt({ sub: 'ada', n, exp: far });

/** A backend that accepts the tokens in `valid` and records every send. */
function session(overrides: Partial<AuthFetchOptions> = {}) {
  const valid = new Set([jwt(1)]);
  let token = jwt(1);
  const sent: string[] = [];
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = next),
    validate: async ({ token: t }) => valid.has(t ?? ''),
    reauthenticate: async () => {
      valid.add(jwt(2));
      return jwt(2);
    },
    allowedOrigins: [API],
    fetch: async (input, init) => {
      const bearer = new Headers(init?.headers).get('authorization')?.slice(7) ?? '';
      sent.push(
        `${init?.method ?? 'GET'} ${new URL(String(input)).pathname} ${bearer === jwt(1) ? 't1' : bearer === jwt(2) ? 't2' : bearer}`,
      );
      return new Response('{}', { status: valid.has(bearer) ? 200 : 401 });
    },
    ...overrides,
  });
  stops.push(client.stop);
  return { client, sent, expire: () => valid.delete(jwt(1)) };
}
const stops = stoppedAfterEach();

const pay = (h: ReturnType<typeof session>) =>
  h.client.authFetch(`${API}/api/pay`, { method: 'POST', body: '{"amount":5}', replay: false });

describe('a call that must not be sent twice (replay: false)', () => {
  it('rejects with NotReplayedError after its 401, is sent once, and the session still asks the user to reconnect', async () => {
    const h = session();
    h.expire();
    const error = await pay(h).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotReplayedError);
    expect((error as NotReplayedError).response.status).toBe(401);
    expect((error as Error).message).toBe(
      'POST https://api.test/api/pay was refused (401) and not sent again: nothing was done. Reconnect if asked, then try again.',
    );
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    await waitFor(h.client.actor, (s) => s.matches('active'));
    expect(h.sent).toEqual(['POST /api/pay t1']);
  });

  it('waits like any call while the session holds, and goes once with the new token', async () => {
    const h = session();
    h.expire();
    const first = h.client.authFetch(`${API}/api/credits`);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    const payment = pay(h);
    h.client.reconnect();
    expect([(await first).status, (await payment).status]).toEqual([200, 200]);
    expect(h.sent).toEqual(['GET /api/credits t1', 'GET /api/credits t2', 'POST /api/pay t2']);
  });

  it('lets other calls replay as usual when it is refused beside them', async () => {
    const h = session();
    h.expire();
    const [credits, payment] = [h.client.authFetch(`${API}/api/credits`), pay(h).catch((e: unknown) => e)];
    expect(await payment).toBeInstanceOf(NotReplayedError);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    expect((await credits).status).toBe(200);
    expect(h.sent.filter((s) => s.startsWith('POST'))).toEqual(['POST /api/pay t1']);
  });

  it('is refused with a token that is still good (a spurious 401): the session checks it once, and no banner', async () => {
    let refuse = true;
    const client = createAuthFetch({
      getToken: () => jwt(1),
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => jwt(2),
      allowedOrigins: [API],
      fetch: async () => {
        const status = refuse ? 401 : 200;
        refuse = false;
        return new Response('{}', { status });
      },
    });
    stops.push(client.stop);
    const seen = new Set<string>();
    client.actor.subscribe((s) => seen.add(Object.keys(typeof s.value === 'string' ? { [s.value]: 1 } : s.value)[0]!));
    await expect(client.authFetch(`${API}/api/pay`, { method: 'POST', replay: false })).rejects.toBeInstanceOf(NotReplayedError);
    await waitFor(client.actor, (s) => s.matches('active'));
    expect([...seen]).toEqual(['validating', 'active']);
  });

  it('is refused for the token before the one adopted meanwhile: the session, renewed already, checks nothing', async () => {
    const answers: Array<(response: Response) => void> = [];
    const h = session({ fetch: () => new Promise<Response>((resolve) => answers.push(resolve)) });
    const seen: string[] = [];
    h.client.actor.subscribe((s) => seen.push(JSON.stringify(s.value)));
    const paid = pay(h).catch((e: unknown) => e);
    h.client.adoptToken(jwt(3)); // another tab signed in again while the payment was out
    answers[0]!(new Response('{}', { status: 401 }));
    expect(await paid).toBeInstanceOf(NotReplayedError);
    expect(seen.filter((value) => !value.includes('active'))).toEqual([]);
    expect(h.client.actor.getSnapshot().matches('active')).toBe(true);
  });
});
