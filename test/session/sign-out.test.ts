/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { API, handAnsweredSession } from '../support/layer-fixture.ts';
import { callOutcome } from '../support/outcomes.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

describe('sign-out', () => {
  it('never replays a call that was in flight with the next user’s token, after a sign-out and a new sign-in', async () => {
    // Its 401 comes after the next sign-in: without the sign-out, it would look like a token refresh.
    const { client, sends, signOut } = handAnsweredSession({ validate: async () => true, reauthenticate: async () => 'never-used' });
    const call = client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{"prompt":"ring"}' });
    signOut();
    client.adoptToken('bob-token');
    sends[0]!.answer(401);
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(await call.catch((error: unknown) => error)).toMatchObject({ reason: 'signed-out' });
    expect(sends.map((s) => s.authorization)).toEqual(['Bearer alice-token']);
    client.stop();
  });

  it('tells sign-outs apart: a call of the next user is replayed as usual, and not after the next sign-out', async () => {
    const { client, sends, signOut } = handAnsweredSession({ validate: async () => true, reauthenticate: async () => 'never-used' });
    signOut();
    client.adoptToken('bob-token');
    const credits = client.authFetch(`${API}/api/credits`);
    const generate = client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{"prompt":"ring"}' });
    sends[0]!.answer(401); // bob's token is good: the backend's 401 was spurious, the call goes again
    await vi.waitFor(() => expect(sends).toHaveLength(3));
    sends[2]!.answer(200);
    expect(await callOutcome(credits)).toBe('answered 200');
    signOut();
    client.adoptToken('carol-token');
    sends[1]!.answer(401);
    expect(await generate.catch((error: unknown) => error)).toMatchObject({ name: 'AuthExpiredError', reason: 'signed-out' });
    expect(sends.map((s) => s.authorization)).toEqual(['Bearer bob-token', 'Bearer bob-token', 'Bearer bob-token']);
    client.stop();
  });

  it('tells a call let go after another tab signed out that the user signed out, not that another account signed in', async () => {
    // Two tabs share the token's storage; this tab hears of the sign-out a render later, its check answered meanwhile.
    const shared = { token: 'h.eyJzdWIiOiJhZGEifQ.s' as string | null };
    const store = { getToken: () => shared.token, setToken: (next: string) => void (shared.token = next) };
    const here = handAnsweredSession(store);
    const there = handAnsweredSession(store);
    const call = here.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{"prompt":"ring"}' });
    here.sends[0]!.answer(401);
    await vi.waitFor(() => expect(here.validations).toHaveLength(1));
    shared.token = null;
    there.client.endSession();
    here.validations[0]!(true); // the check was of the token before the sign-out, still good
    expect(await call.catch((error: unknown) => error)).toMatchObject({ name: 'AuthExpiredError', reason: 'signed-out' });
    expect(here.sends).toHaveLength(1);
    here.client.stop();
    there.client.stop();
  });

  it('keeps the session of a token signed in with since another tab signed out, whose word comes late', async () => {
    const shared = { token: unsignedJwt({ sub: 'ada', iat: 1 }) as string | null };
    const here = handAnsweredSession({ getToken: () => shared.token, setToken: (next) => void (shared.token = next) });
    shared.token = null; // another tab signs out: the shared token goes now, its word comes later
    here.client.adoptToken(unsignedJwt({ sub: 'ada', iat: 2 })); // and this tab signs in again meanwhile
    const call = here.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{"prompt":"ring"}' });
    call.catch(() => {}); // its outcome is awaited below
    here.sends[0]!.answer(401);
    await vi.waitFor(() => expect(here.validations).toHaveLength(1));
    here.client.endSession({ whileSignedOut: true }); // the other tab's word, older than the token stored
    here.validations[0]!(true);
    await vi.waitFor(() => expect(here.sends).toHaveLength(2));
    here.sends[1]!.answer(200);
    expect(await callOutcome(call)).toBe('answered 200');
    here.client.stop();
  });

  it('tells a call given up after another tab signed out, before its word came, that the user signed out', async () => {
    const shared = { token: unsignedJwt({ sub: 'ada' }) as string | null };
    const here = handAnsweredSession({
      getToken: () => shared.token,
      setToken: (next) => void (shared.token = next),
      validate: async () => false,
      reauthenticate: () => Promise.reject(new Error('closed')),
      limits: { reauthAttempts: 1 },
    });
    const call = here.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{"prompt":"ring"}' });
    here.sends[0]!.answer(401);
    await waitFor(here.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    shared.token = null; // another tab signs out; its word has not come yet
    here.client.reconnect(); // the popup fails: the attempts are spent
    expect(await call.catch((error: unknown) => error)).toMatchObject({ name: 'AuthExpiredError', reason: 'signed-out' });
    here.client.stop();
  });
});

// Tokens that are no JWT (opaque) say no account: "signed in" and "signed out" still differ.
describe('sign-out in another tab, with opaque tokens, before its word comes', () => {
  it('does not send a call again without a token when its 401 comes after the token went', async () => {
    const shared = { token: 'opaque-alice' as string | null };
    const here = handAnsweredSession({ getToken: () => shared.token, setToken: (next) => void (shared.token = next) });
    const call = here.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{"prompt":"ring"}' });
    shared.token = null; // another tab signs out: the shared token goes now, its word comes later
    here.sends[0]!.answer(401);
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(here.sends.map((s) => s.authorization)).toEqual(['Bearer opaque-alice']);
    expect(await call.catch((error: unknown) => error)).toMatchObject({ reason: 'signed-out' });
    here.client.stop();
  });

  it('does not send a held call without a token when the check let it go after the token went', async () => {
    const shared = { token: 'opaque-alice' as string | null };
    const here = handAnsweredSession({ getToken: () => shared.token, setToken: (next) => void (shared.token = next) });
    const call = here.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{"prompt":"ring"}' });
    here.sends[0]!.answer(401);
    await vi.waitFor(() => expect(here.validations).toHaveLength(1));
    shared.token = null; // another tab signs out; its word has not come yet
    here.validations[0]!(true);
    expect(await callOutcome(call)).toBe('AuthExpiredError');
    expect(here.sends.map((s) => s.authorization)).toEqual(['Bearer opaque-alice']);
    expect(await call.catch((error: unknown) => error)).toMatchObject({ reason: 'signed-out' });
    here.client.stop();
  });
});
