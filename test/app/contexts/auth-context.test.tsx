/** @vitest-environment happy-dom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useEffect } from 'react';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { SimulatedClock, waitFor as waitForActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { useAuth } from '../../../src/hooks/use-auth.ts';
import { useGoogleSignIn } from '../../../src/hooks/use-google-sign-in.ts';
import { AuthExpiredError, PopupClosedError } from '../../../src/lib/session/errors.ts';
import { getCredits } from '../../../src/lib/credits-api.ts';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { createTokenStorage } from '../../../src/lib/token-storage.ts';
import { mockAccount, otherMockAccount } from '../../../src/mocks/mock-data.ts';
import { openSignInPopup, type PopupClosedHint } from '../../../src/lib/session/index.ts';
import { errorMessageType, signInChannelName, tokenMessageType } from '../../../src/lib/session/popup-message.ts';
import {
  createSessionFixture,
  deferred,
  onlineAfterEachCutOff,
  signInInAnotherTab,
  withSessionFixtures,
  type SessionFixture,
} from '../support/session-fixture.ts';
import { createChannelBus, createOpenerWindow } from '../../support/fake-sign-in-windows.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

/** Shows the context as text and buttons, as a page would use it. */
type Popup = (args: { signal: AbortSignal; onClosedHint?: (hint: PopupClosedHint | null) => void }) => Promise<string>;

function Probe({ popup }: { popup: Popup }) {
  const auth = useAuth();
  const google = useGoogleSignIn(popup);
  return (
    <div>
      <p data-testid="state">
        {auth.signedIn ? 'signed in' : 'signed out'} as {auth.user?.name ?? 'nobody'}; needsReauth={String(auth.needsReauth)}
      </p>
      {google.problem ? <p>{google.problem}</p> : null}
      {google.hint ? (
        <button type="button" onClick={() => google.hint?.reopen()}>
          Try again
        </button>
      ) : null}
      {/* As the sign-in page: the button waits while a sign-in is under way. */}
      <button type="button" onClick={google.signIn} disabled={google.signingIn}>
        Sign in
      </button>
      <button type="button" onClick={auth.refreshSession}>
        Refresh session
      </button>
      <button type="button" onClick={auth.signOut}>
        Sign out
      </button>
    </div>
  );
}

/** Notes, at each render, whose token it is and whose profile shows. */
function RenderRecorder({ seen }: { seen: string[] }) {
  const { account, user } = useAuth();
  seen.push(`${account} as ${user?.name ?? 'nobody'}`);
  return null;
}

/** As a sign-in page that asks the backend when it mounts (its effect runs before the provider's): what it was answered. */
function SignInPage({ answers }: { answers: Array<number | string> }) {
  return useAuth().signedIn ? null : <AskOnMount answers={answers} />;
}

function AskOnMount({ answers }: { answers: Array<number | string> }) {
  const { session } = useAuth();
  useEffect(() => {
    session.authFetch(`${location.origin}/health`).then(
      (response) => answers.push(response.status),
      (error: unknown) => answers.push((error as AuthExpiredError).reason ?? String(error)),
    );
  }, [session, answers]);
  return null;
}

function renderProbe(signInWithPopup: Popup) {
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <Probe popup={signInWithPopup} />
    </AuthProvider>,
  );
}

const state = () => screen.getByTestId('state').textContent;

/**
 * loadUser, counting the provider's asks for the profile. `answered(n)`: the n-th ask has failed or loaded and the
 * provider has acted on it (its own handlers were attached first, so they have run when ours does).
 */
function countedLoadUser() {
  const asks: Promise<unknown>[] = [];
  return {
    loadUser: (args: { signal?: AbortSignal }) => {
      const ask = loadUser(args);
      asks.push(ask);
      return ask;
    },
    asked: () => asks.length,
    answered: async (n: number) => {
      await waitFor(() => expect(asks.length).toBe(n));
      await asks[n - 1]!.catch(() => {});
    },
  };
}

/** The provider on a SimulatedClock, its profile asks counted, the backend answering `/auth/me` with `answers` first. */
async function renderOnClock(answers: HttpHandler, options: { tokenLifetimeSec?: number } = {}) {
  const clock = new SimulatedClock();
  fixture = await createSessionFixture({ signedIn: true, clock, ...options });
  server.use(answers);
  const profile = countedLoadUser();
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={profile.loadUser} clock={clock}>
      <Probe popup={() => fixture.issueToken()} />
    </AuthProvider>,
  );
  return { clock, profile };
}

/** Signed in, then the session expires with the credits call held: the banner would be asking to reconnect. */
async function signedInWithCreditsHeld(): Promise<{ held: Promise<unknown> }> {
  fixture = await createSessionFixture({ signedIn: true });
  renderProbe(() => fixture.issueToken());
  await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
  fixture.store.expireSessions();
  const held = getCredits();
  await waitForActor(fixture.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
  // Wrapped: an async function returning the promise itself would wait for it to settle.
  return { held };
}

describe('AuthProvider with useGoogleSignIn', () => {
  it('signs in through the popup, adopts the token and loads the user', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    renderProbe(() => fixture.issueToken());
    expect(state()).toBe('signed out as nobody; needsReauth=false');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
    expect(fixture.tokens.getToken()).toMatch(/^ey/);
    expect(fixture.tokens.getUser()).toMatchObject({ email: 'ada@quiet.studio' });
  });

  it('says plainly when the sign-in popup is closed, and stays signed out', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    renderProbe(() => Promise.reject(new PopupClosedError()));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText(/closed before you signed in\. Press Sign in with Google to try again/)).toBeTruthy();
    expect(state()).toBe('signed out as nobody; needsReauth=false');
  });

  describe('with the real popup handshake, behind a provider that sends COOP', () => {
    /** The popup as signInWithGooglePopup runs it, on a window double; the answer comes on the sign-in's channel. */
    function popupSignIn() {
      const bus = createChannelBus();
      const opener = createOpenerWindow(bus, location.origin);
      const state = 'first-sign-in';
      const popup: Popup = ({ signal, onClosedHint }) =>
        openSignInPopup({ url: `/auth/google/consent?state=${state}`, state, signal, onClosedHint, host: opener.host, closedCheckMs: 5 });
      const answer = (data: Record<string, string>) => bus.post(signInChannelName(state), { state, ...data });
      return { opener, popup, answer };
    }

    it('keeps waiting while the popup reads closed, offers Try again, and signs in with the token that comes', async () => {
      fixture = await createSessionFixture({ signedIn: false });
      const { opener, popup, answer } = popupSignIn();
      renderProbe(popup);
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
      opener.popups[0]!.closed = true;
      fireEvent.click(await screen.findByRole('button', { name: 'Try again' }));
      expect(opener.opened).toHaveLength(2);
      answer({ type: tokenMessageType, token: await fixture.issueToken() });
      await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
      expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    });

    it('says at once that sign-in was cancelled, and stays signed out', async () => {
      fixture = await createSessionFixture({ signedIn: false });
      const { popup, answer } = popupSignIn();
      renderProbe(popup);
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
      answer({ type: errorMessageType, error: 'access_denied' });
      expect(await screen.findByText('Signing in with Google was cancelled. Press Sign in with Google when you are ready.')).toBeTruthy();
      expect(state()).toBe('signed out as nobody; needsReauth=false');
    });
  });

  it('sets needsReauth on an expired session and keeps the user; refreshSession brings it back', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    fixture.tokens.setUser({ id: 'user-ada', email: 'ada@quiet.studio', name: 'Ada (cached)', role: 'admin' });
    fixture.store.expireSessions();
    renderProbe(() => fixture.issueToken());
    // The background profile load got 401, validation failed: needsReauth, not signed out.
    await waitFor(() => expect(state()).toBe('signed in as Ada (cached); needsReauth=true'));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh session' }));
    expect(fixture.reauths).toHaveLength(1);
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    // The held profile load replays with the new token.
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
  });

  it('signs out: forgets the token and the user', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderProbe(() => fixture.issueToken());
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(state()).toBe('signed out as nobody; needsReauth=false');
    expect(fixture.tokens.getToken()).toBeNull();
    expect(fixture.tokens.getUser()).toBeNull();
  });

  it('signs out with requests held: they are given up at once, never replayed for the next sign-in', async () => {
    const { held } = await signedInWithCreditsHeld();
    const sent: string[] = [];
    server.events.on('request:start', ({ request }) => void sent.push(new URL(request.url).pathname));

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await expect(held).rejects.toBeInstanceOf(AuthExpiredError);
    expect(fixture.client.actor.getSnapshot()).toMatchObject({ value: { active: 'quiet' }, context: { queue: [] } });
    expect(state()).toBe('signed out as nobody; needsReauth=false');

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
    // The next sign-in loads its own profile; the signed-out user's credits call is not sent with the new token.
    expect(sent).not.toContain('/api/credits');
    server.events.removeAllListeners();
  });

  it('sends a call made by the sign-in page after a sign-out offline once back, not refused as signed out', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const answers: Array<number | string> = [];
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <Probe popup={() => fixture.issueToken()} />
        <SignInPage answers={answers} />
      </AuthProvider>,
    );
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
    act(() => void window.dispatchEvent(new Event('offline')));
    await waitForActor(fixture.client.actor, (s) => s.matches('offline'));
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    act(() => void window.dispatchEvent(new Event('online')));
    await waitFor(() => expect(answers).toEqual([200]));
  });

  it('signs out when another tab signs out: held requests are given up, the sign-in page shows', async () => {
    const { held } = await signedInWithCreditsHeld();

    // The other tab clears the storage the tabs share; the browser tells this one with a storage event.
    fixture.storage.removeItem('quiet-session.token');
    window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.token', oldValue: 'its token', newValue: null }));
    await expect(held).rejects.toBeInstanceOf(AuthExpiredError);
    await waitFor(() => expect(state()).toBe('signed out as nobody; needsReauth=false'));
    expect(fixture.client.actor.getSnapshot()).toMatchObject({ value: { active: 'quiet' }, context: { queue: [] } });
  });

  it('follows another tab signing in as another account: that profile shows, held requests are given up, not sent as them', async () => {
    const { held } = await signedInWithCreditsHeld();
    const sent: Array<string | null> = [];
    server.events.on('request:start', ({ request }) => {
      if (new URL(request.url).pathname === '/api/credits') sent.push(request.headers.get('authorization'));
    });
    const grace = await fixture.issueToken(otherMockAccount);

    // The other tab stores Grace's token in the storage the tabs share, then tab sync hands it over.
    fixture.storage.setItem('quiet-session.token', grace);
    window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.token', oldValue: 'its token', newValue: grace }));
    fixture.client.adoptToken(grace);
    await expect(held).rejects.toBeInstanceOf(AuthExpiredError);
    await waitFor(() => expect(state()).toBe('signed in as Grace Hopper; needsReauth=false'));
    expect(sent).not.toContain(`Bearer ${grace}`);
    server.events.removeAllListeners();
  });

  it('never shows the last account’s profile for the next one, even when the next one’s cannot load', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderProbe(() => fixture.issueToken());
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
    const grace = await fixture.issueToken(otherMockAccount);
    server.use(http.get(`${location.origin}/auth/me`, () => HttpResponse.error()));

    // The other tab stores Grace's token through its own view of the storage the tabs share.
    createTokenStorage(fixture.storage).setToken(grace);
    window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.token', oldValue: 'its token', newValue: grace }));
    await waitFor(() => expect(state()).toBe('signed in as nobody; needsReauth=false'));
    // A reload would not show Ada either: the storage forgot her profile when Grace's token came in.
    expect(fixture.tokens.getUser()).toBeNull();
  });

  it('never renders the last account’s profile with the next one’s token, not even once before the new profile loads', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const seen: string[] = [];
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <RenderRecorder seen={seen} />
      </AuthProvider>,
    );
    await waitFor(() => expect(seen.at(-1)).toBe('user-ada as Ada Lovelace'));

    await signInInAnotherTab(fixture);
    await waitFor(() => expect(seen.at(-1)).toBe('user-grace as Grace Hopper'));
    expect(seen).not.toContain('user-grace as Ada Lovelace');
  });

  const keptProfiles = [
    // As an older version left it: Ada's profile, bare, still there once Grace had signed in.
    { kept: 'Ada’s profile next to Grace’s token', token: otherMockAccount, user: JSON.stringify(mockAccount) },
    { kept: 'a profile of another shape', token: mockAccount, user: JSON.stringify({ name: { first: 'Ada' } }) },
  ];
  for (const { kept, token, user } of keptProfiles) {
    it(`shows no profile after a reload on an expired session that finds ${kept}, and does not crash`, async () => {
      fixture = await createSessionFixture({ signedIn: false });
      fixture.tokens.setToken(await fixture.issueToken(token));
      fixture.storage.setItem('quiet-session.user', user);
      fixture.store.expireSessions();
      renderProbe(() => fixture.issueToken());
      await waitFor(() => expect(state()).toBe('signed in as nobody; needsReauth=true'));
    });
  }

  it('shows the sign-in, not a studio whose every call is refused, after a reload that finds an empty token kept', async () => {
    // Garbled, or an older version's way to sign out: no token to send, so nothing would ever ask to reconnect.
    fixture = await createSessionFixture({ signedIn: false });
    fixture.storage.setItem('quiet-session.token', '');
    renderProbe(() => fixture.issueToken());
    expect(state()).toBe('signed out as nobody; needsReauth=false');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
  });

  it('never stores the last account’s profile for the next one when it arrives just as another tab signs in', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const grace = await fixture.issueToken(otherMockAccount);
    const asked = deferred<void>();
    const gate = deferred<void>();
    const answered = deferred<void>();
    // Ada's profile is on its way (a reload, say) when the other tab signs in; after it, /auth/me cannot be reached.
    server.use(
      http.get(
        `${location.origin}/auth/me`,
        async () => {
          asked.resolve();
          await gate.promise;
          setTimeout(answered.resolve, 10);
          return HttpResponse.json({ id: 'user-ada', email: 'ada@quiet.studio', name: 'Ada Lovelace', role: 'admin' });
        },
        { once: true },
      ),
      http.get(`${location.origin}/auth/me`, () => HttpResponse.error()),
    );
    renderProbe(() => fixture.issueToken());
    await asked.promise;

    // The other tab stores Grace's token; this tab's storage event comes a moment after Ada's profile.
    createTokenStorage(fixture.storage).setToken(grace);
    gate.resolve();
    await answered.promise;
    window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.token', oldValue: 'its token', newValue: grace }));

    await waitFor(() => expect(state()).toBe('signed in as nobody; needsReauth=false'));
    // Nor after a reload, in this tab or another: Grace is never shown as Ada.
    expect(createTokenStorage(fixture.storage).getUser()).toBeNull();
  });

  it.each([
    [
      'a gateway’s 502',
      () => new HttpResponse('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } }),
    ],
    ['a 503', () => HttpResponse.json({ detail: 'Service Unavailable' }, { status: 503 })],
    ['FastAPI’s own 500', () => HttpResponse.json({ detail: 'Internal Server Error' }, { status: 500 })],
    ['a 408', () => HttpResponse.json({ detail: 'Request Timeout' }, { status: 408 })],
    ['a 429', () => HttpResponse.json({ detail: 'Too Many Requests' }, { status: 429 })],
  ])('shows the profile by itself once the backend is back, after %s for it at sign-in', async (_, failure) => {
    const { clock, profile } = await renderOnClock(http.get(`${location.origin}/auth/me`, failure, { once: true }));
    // Its failure acted on, the next ask armed: the clock moved before that would pass it by.
    await profile.answered(1);
    expect(state()).toBe('signed in as nobody; needsReauth=false');
    // No account change, no reload: the backend is back, and the name comes a moment later.
    act(() => clock.increment(30_000));
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
  });

  it('asks for the profile again no sooner than a 503’s Retry-After', async () => {
    const { clock, profile } = await renderOnClock(
      http.get(
        `${location.origin}/auth/me`,
        () => HttpResponse.json({ detail: 'Restarting' }, { status: 503, headers: { 'Retry-After': '120' } }),
        { once: true },
      ),
      { tokenLifetimeSec: 3600 },
    );
    await profile.answered(1);
    act(() => clock.increment(119_999));
    expect(profile.asked()).toBe(1);
    expect(state()).toBe('signed in as nobody; needsReauth=false');
    act(() => clock.increment(1));
    expect(profile.asked()).toBe(2);
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
  });

  it('asks for the profile again 2 s after a gateway’s 502, then twice as late each time, never later than 30 s', async () => {
    const { clock, profile } = await renderOnClock(
      http.get(
        `${location.origin}/auth/me`,
        () => new HttpResponse('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      ),
      { tokenLifetimeSec: 3600 },
    );
    // Not at once, again and again, while the backend restarts: that would only add to its load.
    for (const [n, waitMs] of [2_000, 4_000, 8_000, 16_000, 30_000, 30_000].entries()) {
      await profile.answered(n + 1);
      act(() => clock.increment(waitMs - 1));
      expect(profile.asked()).toBe(n + 1);
      act(() => clock.increment(1));
      expect(profile.asked()).toBe(n + 2);
    }
    expect(state()).toBe('signed in as nobody; needsReauth=false');
  });

  it('shows the profile by itself when the network drops as it is asked for, and again as the session sends it once back online', async () => {
    let met = 0;
    // Each of the ask's three sends drops; the session's checks of the network between them find it back.
    const { clock, profile } = await renderOnClock(
      http.get(`${location.origin}/auth/me`, () => ([1, 3, 5].includes((met += 1)) ? HttpResponse.error() : undefined)),
    );
    await onlineAfterEachCutOff(fixture);
    await profile.answered(1);
    expect(state()).toBe('signed in as nobody; needsReauth=false');
    act(() => clock.increment(2_000));
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
  });

  it('does not ask for the profile again after a 403: it would only answer the same', async () => {
    const { clock, profile } = await renderOnClock(
      http.get(`${location.origin}/auth/me`, () => HttpResponse.json({ detail: 'Account disabled' }, { status: 403 })),
      { tokenLifetimeSec: 3600 },
    );
    await profile.answered(1);
    act(() => clock.increment(60_000));
    expect(profile.asked()).toBe(1);
  });

  it('signs in when another tab signs in', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    renderProbe(() => fixture.issueToken());
    fixture.storage.setItem('quiet-session.token', await fixture.issueToken());
    window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.token', oldValue: null, newValue: 'its token' }));
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
  });

  it('says the sign-in did not start, and offers the button again, when the popup throws before it opens', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    // What signInWithGooglePopup does where crypto.randomUUID is missing (plain http on a LAN address).
    renderProbe(() => {
      throw new TypeError('crypto.randomUUID is not a function');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Signing in did not finish. Try again.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', false);
    expect(state()).toBe('signed out as nobody; needsReauth=false');
  });

  it('stays signed out until the popup hands back a token', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const popup = deferred<string>();
    renderProbe(() => popup.promise);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(state()).toBe('signed out as nobody; needsReauth=false');
    popup.resolve(await fixture.issueToken());
    await waitFor(() => expect(state()).toBe('signed in as Ada Lovelace; needsReauth=false'));
    await waitForActor(fixture.client.actor, (s) => s.matches('active'));
  });
});
