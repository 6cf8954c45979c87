/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { callOutcome } from '../support/outcomes.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

/** A JWT-shaped token for `sub`; `n` tells two tokens of one account apart. Unsigned: the client never checks. */
const token = (sub: string, n: number) => `h.${Buffer.from(JSON.stringify({ sub, n })).toString('base64url')}.s`;
const ada1 = token('ada', 1);
const ada2 = token('ada', 2);
const bob = token('bob', 1);

/** ada's first token has expired at the backend; Reconnect brings back `signIn`; `holdFirst` makes the first send wait. */
function world(args: { signIn?: string; holdFirst?: boolean } = {}) {
  let stored: string | null = ada1;
  const sent: Array<{ url: string; authorization: string | null }> = [];
  let answerFirst: ((response: Response) => void) | undefined;
  const client = createAuthFetch({
    getToken: () => stored,
    setToken: (next) => {
      stored = next;
    },
    validate: async ({ token: current }) => current !== ada1,
    reauthenticate: async () => args.signIn ?? ada2,
    allowedOrigins: ['https://api.test'],
    fetch: (input, init) => {
      const authorization = new Headers(init?.headers).get('authorization');
      sent.push({ url: String(input), authorization });
      const answer = new Response('{}', { status: authorization === `Bearer ${ada1}` ? 401 : 200 });
      if (args.holdFirst && sent.length === 1) return new Promise<Response>((resolve) => (answerFirst = resolve));
      return Promise.resolve(answer);
    },
  });
  return {
    client,
    /** Who each request went out as. */
    sentAs: () => sent.map((s) => (s.authorization === `Bearer ${bob}` ? 'bob' : s.authorization === null ? 'none' : 'ada')),
    /** Another tab stores a token: this tab's storage has it before any message arrives. */
    storedElsewhere: (next: string) => {
      stored = next;
    },
    answerFirst: (status: number) => answerFirst!(new Response('{}', { status })),
  };
}

// A call goes only as the account it was made for (the token's `sub`): ada's job must not spend bob's credits.
describe('another account signing in while requests are held', () => {
  it('gives up the held calls when Reconnect comes back as another account, and goes on as that account', async () => {
    const { client, sentAs } = world({ signIn: bob });
    const generate = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    const credits = client.authFetch('https://api.test/api/credits');
    client.reconnect();
    // Told why: the caller may sign the right account back in and try again.
    await expect(generate).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'other-account' });
    await expect(credits).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'other-account' });
    expect(sentAs()).toEqual(['ada']);
    expect(await callOutcome(client.authFetch('https://api.test/api/credits'))).toBe('answered 200');
    expect(sentAs()).toEqual(['ada', 'bob']);
    expect(client.actor.getSnapshot().matches('active')).toBe(true);
    client.stop();
  });

  it('still replays every held call when Reconnect comes back as the same account with a new token', async () => {
    const { client, sentAs } = world({ signIn: ada2 });
    const generate = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    const credits = client.authFetch('https://api.test/api/credits');
    client.reconnect();
    expect([await callOutcome(generate), await callOutcome(credits)]).toEqual(['answered 200', 'answered 200']);
    expect(sentAs()).toEqual(['ada', 'ada', 'ada']);
    client.stop();
  });

  it('gives up the held calls when another tab signs in as another account', async () => {
    const { client, sentAs, storedElsewhere } = world();
    const generate = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    const credits = client.authFetch('https://api.test/api/credits');
    // What tab sync does: the other tab's token is in the shared storage, then its message arrives.
    storedElsewhere(bob);
    client.adoptToken(bob);
    expect([await callOutcome(generate), await callOutcome(credits)]).toEqual(['AuthExpiredError', 'AuthExpiredError']);
    expect(sentAs()).toEqual(['ada']);
    client.stop();
  });

  it('does not send a call again as another account when its 401 comes back after that account signed in elsewhere', async () => {
    const { client, sentAs, storedElsewhere, answerFirst } = world({ holdFirst: true });
    const generate = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    storedElsewhere(bob);
    answerFirst(401);
    expect(await callOutcome(generate)).toBe('AuthExpiredError');
    expect(sentAs()).toEqual(['ada']);
    client.stop();
  });

  it('sends a call again when its 401 comes back after the same account refreshed its token elsewhere', async () => {
    const { client, sentAs, storedElsewhere, answerFirst } = world({ holdFirst: true });
    const generate = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    storedElsewhere(ada2);
    answerFirst(401);
    expect(await callOutcome(generate)).toBe('answered 200');
    expect(sentAs()).toEqual(['ada', 'ada']);
    client.stop();
  });
});

// RFC 7519 wants `sub` a string, but a backend may put its user record there: the same record is the same account.
describe('a token whose sub is no string', () => {
  it('still replays the held calls when Reconnect brings a new token for the same account', async () => {
    const first = unsignedJwt({ sub: { id: 7, org: 'studio' }, n: 1 });
    const renewed = unsignedJwt({ sub: { id: 7, org: 'studio' }, n: 2 });
    let stored: string | null = first;
    const client = createAuthFetch({
      getToken: () => stored,
      setToken: (next) => void (stored = next),
      validate: async ({ token: current }) => current !== first,
      reauthenticate: async () => renewed,
      allowedOrigins: ['https://api.test'],
      fetch: async (_input, init) =>
        new Response('{}', { status: new Headers(init?.headers).get('authorization') === `Bearer ${first}` ? 401 : 200 }),
    });
    const generate = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    expect(await callOutcome(generate)).toBe('answered 200');
    client.stop();
  });

  it('still gives up the held calls when Reconnect comes back as another record', async () => {
    const ada = unsignedJwt({ sub: { id: 7 }, n: 1 });
    const bob = unsignedJwt({ sub: { id: 8 }, n: 1 });
    let stored: string | null = ada;
    const client = createAuthFetch({
      getToken: () => stored,
      setToken: (next) => void (stored = next),
      validate: async ({ token: current }) => current !== ada,
      reauthenticate: async () => bob,
      allowedOrigins: ['https://api.test'],
      fetch: async (_input, init) =>
        new Response('{}', { status: new Headers(init?.headers).get('authorization') === `Bearer ${ada}` ? 401 : 200 }),
    });
    const generate = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    await expect(generate).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'other-account' });
    client.stop();
  });

  it('gives up the held calls when Reconnect comes back as a record whose JSON is the old sub, a string', async () => {
    const ada = unsignedJwt({ sub: '{"id":7}', n: 1 });
    const record = unsignedJwt({ sub: { id: 7 }, n: 1 });
    let stored: string | null = ada;
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => stored,
      setToken: (next) => void (stored = next),
      validate: async ({ token: current }) => current !== ada,
      reauthenticate: async () => record,
      allowedOrigins: ['https://api.test'],
      fetch: async (_input, init) => {
        const authorization = new Headers(init?.headers).get('authorization');
        sent.push(authorization === `Bearer ${ada}` ? 'ada' : 'record');
        return new Response('{}', { status: authorization === `Bearer ${ada}` ? 401 : 200 });
      },
    });
    const generate = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    await expect(generate).rejects.toMatchObject({ name: 'AuthExpiredError', reason: 'other-account' });
    expect(sent).toEqual(['ada']);
    client.stop();
  });
});
