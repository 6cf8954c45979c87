/** @vitest-environment node */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { API, clockedSessions } from '../support/clocked-session.ts';

const clockedSession = clockedSessions();
afterEach(() => {
  vi.unstubAllGlobals();
});

// The README's and options.ts's defaults, with the option left out: ada's token ends at 600 s.
describe('a session given only what it needs', () => {
  it('asks the backend about the token from 60 s before its exp, not earlier', () => {
    const { client, clock } = clockedSession({ expiryLeadMs: undefined, remindBeforeMs: 0 });
    clock.increment(539_999);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
    clock.increment(1);
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
  });

  it('offers "Stay signed in" from 120 s before exp to someone using the page, not earlier', () => {
    const { client, clock } = clockedSession({ expiryLeadMs: undefined, remindBeforeMs: undefined });
    const reminding = () => {
      client.actor.send({ type: 'user.active' });
      return client.actor.getSnapshot().matches({ active: 'reminding' });
    };
    clock.increment(479_999);
    expect(reminding()).toBe(false);
    clock.increment(1);
    expect(reminding()).toBe(true);
  });

  it('sends with the globalThis.fetch of the moment of the call, so msw or a double set up later gets it', async () => {
    const { client } = clockedSession({ fetch: undefined });
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      seen.push(String(input));
      return new Response('{}');
    });
    expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    expect(seen).toEqual([`${API}/api/credits`]);
  });

  it('gives the held calls up after 3 failed sign-ins in a row, and opens the popup again 30 s later', async () => {
    let popups = 0;
    const { client, clock } = clockedSession({
      validate: async () => false,
      reauthenticate: async () => {
        popups++;
        throw new Error('closed');
      },
      fetch: async () => new Response('{}', { status: 401 }),
    });
    const call = client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    for (let attempt = 1; attempt <= 3; attempt++) {
      client.reconnect();
      await waitFor(client.actor, (s) => s.matches('needsReauth'));
    }
    expect(await call).toMatchObject({ name: 'AuthExpiredError', reason: 'sign-in-given-up' });
    clock.increment(29_999);
    client.reconnect();
    expect(popups).toBe(3);
    clock.increment(1);
    client.reconnect();
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    expect(popups).toBe(4);
  });
});
