/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { callOutcome } from './support/call-outcome.ts';

/** The first send waits for the test to answer it; any later send is answered 200 at once. */
function world() {
  let token: string | null = 'alice-token';
  const sent: Array<{ authorization: string | null; answer: (response: Response) => void }> = [];
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => {
      token = next;
    },
    validate: async () => true,
    reauthenticate: async () => 'never-used',
    allowedOrigins: ['https://api.test'],
    fetch: (_input, init) =>
      new Promise<Response>((answer) => {
        sent.push({ authorization: new Headers(init?.headers).get('authorization'), answer });
        if (sent.length > 1) answer(new Response('{}', { status: 200 }));
      }),
  });
  return { client, sent, signOut: () => ((token = null), client.actor.send({ type: 'session.ended' })) };
}

/**
 * Found by review: a call still out when the session ends (the user signs
 * out, or the client is stopped) and answered 401 after the next user has
 * signed in used to be sent again at once with the next user's token, since
 * "the token changed while it was out" looked like a plain token refresh.
 * Such a call now rejects with AuthExpiredError and is never sent again.
 */
describe('a call in flight when the session ends', () => {
  it('is not replayed with the next user’s token after a sign-out and a new sign-in', async () => {
    const { client, sent, signOut } = world();
    const call = client.authFetch('https://api.test/api/generate', { method: 'POST', body: '{"prompt":"ring"}' });
    signOut();
    client.adoptToken('bob-token');
    sent[0]!.answer(new Response('{}', { status: 401 }));
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(sent.map((s) => s.authorization)).toEqual(['Bearer alice-token']);
    client.stop();
  });

  it('is not sent again after stop(), even when the token changed meanwhile', async () => {
    const { client, sent } = world();
    const call = client.authFetch('https://api.test/api/credits');
    client.stop();
    client.adoptToken('bob-token');
    sent[0]!.answer(new Response('{}', { status: 401 }));
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(sent).toHaveLength(1);
  });

  it('is still sent again when only the token changed (a refresh in another tab), the session going on', async () => {
    const { client, sent } = world();
    const call = client.authFetch('https://api.test/api/credits');
    client.adoptToken('alice-token-2');
    sent[0]!.answer(new Response('{}', { status: 401 }));
    expect(await callOutcome(call)).toBe('answered 200');
    expect(sent.map((s) => s.authorization)).toEqual(['Bearer alice-token', 'Bearer alice-token-2']);
    client.stop();
  });
});
