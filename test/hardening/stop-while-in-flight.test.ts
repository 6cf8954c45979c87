/** @vitest-environment node */
import { expect, it } from 'vitest';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { callOutcome } from './support/call-outcome.ts';

/**
 * README: "stop() rejects every held request and every later call"; issue 2:
 * "nothing may hang after stop()". A request that is in flight when stop() is
 * called and answered 401 afterwards used to be parked in the held-request
 * registry, which stop() had already emptied: its caller waited forever. It now
 * rejects with AuthExpiredError.
 */
it('settles a call that was in flight at stop() and answered 401 after it', async () => {
  const answers: Array<(response: Response) => void> = [];
  const client = createAuthFetch({
    getToken: () => 'token-1',
    setToken: () => {},
    validate: async () => true,
    reauthenticate: async () => 'token-2',
    allowedOrigins: ['https://api.test'],
    fetch: () => new Promise<Response>((resolve) => answers.push(resolve)),
  });
  const call = client.authFetch('https://api.test/api/credits');
  expect(answers).toHaveLength(1); // in flight
  client.stop();
  answers[0]!(new Response('{}', { status: 401 }));
  expect(await callOutcome(call)).toBe('AuthExpiredError');
});

/**
 * Found by review: a held call let go (a token adopted) in the same tick as
 * stop() was sent after the stop, and its 401 then waited on the stopped chart
 * forever. It now rejects with AuthExpiredError and is not sent.
 */
it('settles a held call let go in the same tick as stop(), without sending it', async () => {
  let token = 'alice-token';
  const sent: Array<string | null> = [];
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => {
      token = next;
    },
    validate: async () => false,
    reauthenticate: async () => 'never-used',
    allowedOrigins: ['https://api.test'],
    fetch: async (_input, init) => {
      sent.push(new Headers(init?.headers).get('authorization'));
      return new Response('{}', { status: 401 });
    },
  });
  // Offline: the call is held, not sent.
  client.actor.send({ type: 'network.offline' });
  const call = client.authFetch('https://api.test/api/credits');
  client.adoptToken('bob-token');
  client.stop();
  expect(await callOutcome(call)).toBe('AuthExpiredError');
  expect(sent).toEqual([]);
});
