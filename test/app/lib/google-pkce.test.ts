/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exchangeGoogleCode, signInWithGooglePopup } from '../../../src/lib/auth-api.ts';
import { completeGoogleSignIn, PopupCancelledError, readTokenClaims } from '../../../src/lib/session/index.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

withSessionFixtures(() => fixture);
afterEach(() => vi.restoreAllMocks());

/** Opens the studio's sign-in popup as a click would; the URL of its first page. */
function startSignIn(): { signedIn: Promise<string>; first: URL } {
  const opened: string[] = [];
  vi.spyOn(window, 'open').mockImplementation((url) => {
    opened.push(String(url));
    return { closed: false, close() {} } as unknown as Window;
  });
  const signedIn = signInWithGooglePopup();
  return { signedIn, first: new URL(opened[0]!) };
}

/** The popup's last page, cut off from its opener by COOP: `query` is what Google put in its address. */
const callbackPage = (query: Record<string, string>) =>
  completeGoogleSignIn({
    url: new URL(`/auth/google/callback?${new URLSearchParams(query)}`, location.origin),
    opener: null,
    exchange: exchangeGoogleCode,
  });

const verifiersKept = () => Object.keys(localStorage).filter((key) => key.includes('pkce'));

describe('Google sign-in with PKCE', () => {
  it("signs in with the verifier the studio's tab kept for the callback page, and keeps none after", async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const { signedIn, first } = startSignIn();
    const state = first.searchParams.get('state')!;
    expect(first.searchParams.get('code_challenge_method')).toBe('S256');
    // Google's side, as the mock consent page asks it: a code bound to the challenge in the popup's first address.
    const authorized = await fetch(`${location.origin}/mock-google/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state, code_challenge: first.searchParams.get('code_challenge'), code_challenge_method: 'S256' }),
    });
    const { code } = (await authorized.json()) as { code: string };
    await callbackPage({ code, state });
    expect(readTokenClaims(await signedIn)).toMatchObject({ name: 'Ada Lovelace' });
    expect(verifiersKept()).toEqual([]);
  });

  it('keeps no verifier once the user cancelled', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const { signedIn, first } = startSignIn();
    expect(verifiersKept()).toHaveLength(1);
    await callbackPage({ error: 'access_denied', state: first.searchParams.get('state')! });
    await expect(signedIn).rejects.toBeInstanceOf(PopupCancelledError);
    expect(verifiersKept()).toEqual([]);
  });

  it('signs in without PKCE where the page may keep nothing in localStorage (cookies blocked), as before it', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    const { signedIn, first } = startSignIn();
    const state = first.searchParams.get('state')!;
    expect(first.searchParams.has('code_challenge')).toBe(false);
    const authorized = await fetch(`${location.origin}/mock-google/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state, code_challenge: first.searchParams.get('code_challenge') }),
    });
    const { code } = (await authorized.json()) as { code: string };
    await callbackPage({ code, state });
    expect(readTokenClaims(await signedIn)).toMatchObject({ name: 'Ada Lovelace' });
  });
});
