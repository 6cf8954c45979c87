/** @vitest-environment node */
import { afterEach, describe, expect, it } from 'vitest';
import { authFetch, createAuthFetch, installAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { QuietSessionError } from '../../src/lib/session/errors.ts';

const good: AuthFetchOptions = {
  getToken: () => 't1',
  setToken: () => {},
  validate: async () => true,
  reauthenticate: async () => 't2',
  allowedOrigins: ['https://api.test'],
};

/** A client whose sends are only counted. */
function recording() {
  const sent: string[] = [];
  const client = createAuthFetch({
    ...good,
    fetch: async (input) => {
      sent.push(String(input));
      return new Response('{}');
    },
  });
  return { client, sent };
}

/** A client that answers 'ok' to each send and keeps the Authorization each carried. */
function seeingTokens(overrides: Partial<AuthFetchOptions> = {}) {
  const seen: string[] = [];
  const client = createAuthFetch({
    ...good,
    ...overrides,
    fetch: async (input, init) => {
      seen.push(new Request(input, init).headers.get('authorization') ?? '');
      return new Response('ok');
    },
  });
  return { client, seen };
}

describe('the app-wide authFetch', () => {
  it('rejects with a clear error until a client is installed, then uses it', async () => {
    await expect(authFetch('https://api.test/x')).rejects.toBeInstanceOf(QuietSessionError);
    const { client, seen } = seeingTokens();
    const uninstall = installAuthFetch(client);
    expect(await (await authFetch('https://api.test/x')).text()).toBe('ok');
    expect(seen).toEqual(['Bearer t1']);
    uninstall();
    await expect(authFetch('https://api.test/x')).rejects.toThrow(/before installAuthFetch/);
    client.stop();
  });

  it('keeps many clients apart', async () => {
    const tokens: string[] = [];
    const make = (token: string) =>
      createAuthFetch({
        ...good,
        getToken: () => token,
        fetch: async (input, init) => {
          tokens.push(new Request(input, init).headers.get('authorization') ?? '');
          return new Response('ok');
        },
      });
    const a = make('a');
    const b = make('b');
    const { authFetch: fetchA } = a;
    await Promise.all([fetchA('https://api.test/1'), b.authFetch('https://api.test/2')]);
    expect(tokens.sort()).toEqual(['Bearer a', 'Bearer b']);
    a.stop();
    expect(b.actor.getSnapshot().status).toBe('active');
    b.stop();
  });

  it("keeps the current client when an older client's install is undone", async () => {
    const older = recording();
    const current = recording();
    const undoOlder = installAuthFetch(older.client);
    const undoCurrent = installAuthFetch(current.client);
    undoOlder();
    await authFetch('https://api.test/api/credits');
    expect([older.sent.length, current.sent.length]).toEqual([0, 1]);
    undoCurrent();
    await expect(authFetch('https://api.test/api/credits')).rejects.toThrow(/before installAuthFetch/);
    older.client.stop();
    current.client.stop();
  });
});

describe('authFetch put in the place of fetch', () => {
  const platformFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = platformFetch;
  });

  it.each([
    ["the client's", (client: ReturnType<typeof createAuthFetch>) => client.authFetch],
    ['the app-wide one', () => authFetch],
  ])('says so when globalThis.fetch is %s, instead of calling itself until the stack overflows', async (_, patched) => {
    const client = createAuthFetch(good);
    const undo = installAuthFetch(client);
    globalThis.fetch = patched(client);
    for (const url of ['https://api.test/api/credits', 'https://elsewhere.test/x']) {
      const call = fetch(url, { method: 'POST', body: '{}' });
      await expect(call).rejects.toBeInstanceOf(QuietSessionError);
      await expect(call).rejects.toThrow(/globalThis\.fetch is authFetch.*options\.fetch/);
    }
    undo();
    client.stop();
  });

  it('works when given the platform fetch taken before globalThis.fetch was replaced', async () => {
    const { client, seen } = seeingTokens();
    globalThis.fetch = client.authFetch;
    for (const url of ['https://api.test/api/credits', 'https://api.test/api/credits?again']) {
      expect(await (await fetch(url)).text()).toBe('ok');
    }
    expect(seen).toEqual(['Bearer t1', 'Bearer t1']);
    client.stop();
  });
});
