/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { API, handAnsweredSession } from '../support/hand-answered-session.ts';
import { callOutcome } from './support/call-outcome.ts';

/** Every send waits for the test to answer it; the backend vouches for any token it is asked about. */
const world = () => handAnsweredSession({ validate: async () => true, reauthenticate: async () => 'never-used' });

/**
 * Found by review: a call still out when the session ends (the user signs
 * out, or the client is stopped) and answered 401 after the next user has
 * signed in used to be sent again at once with the next user's token, since
 * "the token changed while it was out" looked like a plain token refresh.
 * Such a call now rejects with AuthExpiredError and is never sent again.
 */
describe('a call in flight when the session ends', () => {
  it('is not sent again after stop(), even when the token changed meanwhile', async () => {
    const { client, sends } = world();
    const call = client.authFetch(`${API}/api/credits`);
    client.stop();
    client.adoptToken('bob-token');
    sends[0]!.answer(401);
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(sends).toHaveLength(1);
  });
});
