/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exchangeGoogleCode, signInWithGooglePopup } from '../../../src/lib/auth-api.ts';
import { completeGoogleSignIn, PopupCancelledError, readTokenClaims, type PopupClosedHint } from '../../../src/lib/session/index.ts';
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

/** Google's side, as the mock consent page asks it: a code bound to the sign-in's state and challenge. */
async function authorize(state: string, challenge: string | null): Promise<{ code: string }> {
  const authorized = await fetch(`${location.origin}/mock-google/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state, code_challenge: challenge, code_challenge_method: 'S256' }),
  });
  return (await authorized.json()) as { code: string };
}

/** The user finishes at Google: its code for the popup's first address, handed to the callback page. */
async function finishAtGoogle(first: URL): Promise<void> {
  const state = first.searchParams.get('state')!;
  const { code } = await authorize(state, first.searchParams.get('code_challenge'));
  await callbackPage({ code, state });
}

const verifiersKept = () => Object.keys(localStorage).filter((key) => key.includes('pkce'));

describe('Google sign-in with PKCE', () => {
  it("signs in with the verifier the studio's tab kept for the callback page, and keeps none after", async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const { signedIn, first } = startSignIn();
    expect(first.searchParams.get('code_challenge_method')).toBe('S256');
    await finishAtGoogle(first);
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

  // Each Try again gives the popup, and the backend's state, their whole time again: past ten minutes, the verifier is still the way in.
  it('signs in from a window kept open by Try again past ten minutes, after another sign-in began', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      let hint: PopupClosedHint | null = null;
      vi.spyOn(window, 'open').mockImplementation(() => ({ closed: true, close() {} }) as unknown as Window);
      const opened = vi.mocked(window.open);
      const signedIn = signInWithGooglePopup({ onClosedHint: (next) => void (hint = next) });
      const first = new URL(String(opened.mock.calls[0]![0]));
      // The provider's COOP makes the window read closed: the user presses Try again each time the banner offers it.
      for (let minute = 0; minute < 11; minute += 1.5) {
        await vi.advanceTimersByTimeAsync(90_000);
        hint!.reopen();
      }
      // Another sign-in begins (another tab's, or this tab's after a reload): it tidies away the verifiers it thinks old.
      const other = new AbortController();
      signInWithGooglePopup({ signal: other.signal }).catch(() => {});
      other.abort();
      vi.useRealTimers();
      await finishAtGoogle(first);
      expect(readTokenClaims(await signedIn)).toMatchObject({ name: 'Ada Lovelace' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('still binds the sign-in to a verifier when a kept entry cannot be read (cut short, or from another version)', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    localStorage.setItem('quiet-session.pkce.an-old-state', '{"verifier":"cut sho');
    try {
      const { signedIn, first } = startSignIn();
      expect(first.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(verifiersKept()).toHaveLength(1);
      await finishAtGoogle(first);
      expect(readTokenClaims(await signedIn)).toMatchObject({ name: 'Ada Lovelace' });
    } finally {
      localStorage.clear();
    }
  });

  it('signs in without PKCE where the page may keep nothing in localStorage (cookies blocked), as before it', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    const { signedIn, first } = startSignIn();
    expect(first.searchParams.has('code_challenge')).toBe(false);
    await finishAtGoogle(first);
    expect(readTokenClaims(await signedIn)).toMatchObject({ name: 'Ada Lovelace' });
  });
});
