/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { API, handAnsweredSession } from '../support/layer-fixture.ts';
import { callOutcome } from '../support/outcomes.ts';

describe('sign-out', () => {
  it('never replays a call that was in flight with the next user’s token, after a sign-out and a new sign-in', async () => {
    // Its 401 comes after the next sign-in: without the sign-out, it would look like a token refresh.
    const { client, sends, signOut } = handAnsweredSession({ validate: async () => true, reauthenticate: async () => 'never-used' });
    const call = client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{"prompt":"ring"}' });
    signOut();
    client.adoptToken('bob-token');
    sends[0]!.answer(401);
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(sends.map((s) => s.authorization)).toEqual(['Bearer alice-token']);
    client.stop();
  });
});
