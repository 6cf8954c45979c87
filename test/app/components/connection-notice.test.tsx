/** @vitest-environment happy-dom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { SimulatedClock, waitFor as waitForActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ConnectionNotice } from '../../../src/components/ConnectionNotice.tsx';
import { SessionExpiredBanner } from '../../../src/components/SessionExpiredBanner.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { AppShell } from '../../../src/components/AppShell.tsx';
import { AuthExpiredError, PopupClosedError } from '../../../src/lib/session/errors.ts';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { getCredits } from '../../../src/lib/credits-api.ts';
import { switchMockNetwork } from '../../../src/mocks/network-switch.ts';
import { listenToLiveRegions } from '../support/announcements.ts';
import { createSessionFixture, deferred, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";
let fixture: SessionFixture;
/** The connection notice's live region: the studio and the sign-in page have live regions of their own. */
const notice = () => document.querySelector<HTMLElement>('[role="status"].connection-notice')!;

const server = withSessionFixtures(() => fixture);

/** A signed-in session (`options` for its fixture) under the banner and the connection notice, once it is active. */
async function openNotices(options: Omit<Parameters<typeof createSessionFixture>[0], 'signedIn'> = {}) {
  fixture = await createSessionFixture({ signedIn: true, ...options });
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser} clock={options.clock}>
      <SessionExpiredBanner />
      <ConnectionNotice />
    </AuthProvider>,
  );
  await waitForActor(fixture.client.actor, (s) => s.matches('active'));
}

/** The notices on a simulated clock, a check given 5 s, then 1 s before the next: a loaded machine runs out no limit. */
async function openNoticesOnClock() {
  const clock = new SimulatedClock();
  await openNotices({ clock, limits: { validationTimeoutMs: 5_000, validationBackoffMs: 1_000 } });
  return clock;
}

/**
 * Under the banner, a blip it sat through (a laptop waking: the browser says offline, then online; the backend was
 * there all along), then Reconnect: the popup is open. A backoff far beyond the test: the session asks the backend at
 * once, or not at all here.
 */
async function reconnectAfterBlip() {
  await openNotices({ limits: { validationBackoffMs: 600_000 } });
  fixture.store.expireSessions();
  // Held for the reconnect; the test ends with stop(), which rejects it.
  getCredits().catch(() => {});
  await screen.findByRole('alert');
  act(() => void window.dispatchEvent(new Event('offline')));
  act(() => void window.dispatchEvent(new Event('online')));
  fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
}

/** The studio with its token expiring and the network down, so the next request waits on a validation that cannot go. */
async function renderOfflineStudio(limits: { validationRetries?: number; validationBackoffMs?: number }) {
  fixture = await createSessionFixture({ signedIn: true, expiryLeadMs: 60_000, limits });
  let askedToReconnect = false;
  fixture.client.actor.subscribe((snapshot) => {
    if (snapshot.matches('needsReauth') || snapshot.matches('reauthenticating')) askedToReconnect = true;
  });
  switchMockNetwork(fixture.store, true);
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <SessionExpiredBanner />
      <ConnectionNotice />
      <label>
        Prompt <input />
      </label>
    </AuthProvider>,
  );
  const prompt = screen.getByLabelText('Prompt');
  act(() => prompt.focus());
  fireEvent.change(prompt, { target: { value: 'a sapphire ring' } });
  return { prompt: prompt as HTMLInputElement, askedToReconnect: () => askedToReconnect };
}

/** The studio as the app shows it, with the connection line above it. */
function renderStudioWithNotice() {
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <ConnectionNotice />
      <AppShell />
    </AuthProvider>,
  );
}

describe('ConnectionNotice', () => {
  it('says nothing while the session is good', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <ConnectionNotice />
      </AuthProvider>,
    );
    expect(await getCredits()).toEqual({ balance: 25 });
    expect(notice().textContent).toBe('');
  });

  it('shows a quiet status line, not the banner, while validation cannot reach the backend, and goes once back online', async () => {
    // A backoff far beyond the test: only `online` ends the wait.
    const { prompt, askedToReconnect } = await renderOfflineStudio({ validationBackoffMs: 600_000 });
    const credits = getCredits();
    const status = notice();
    await waitFor(() => expect(status.textContent).toBe(offlineLine));
    expect(fixture.client.actor.getSnapshot().matches('offline')).toBe(true);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText(/Session expired/)).toBeNull();
    expect(document.activeElement).toBe(prompt);
    expect(prompt.value).toBe('a sapphire ring');

    // What the dev panel's "Back online" does: the backend answers again and the page hears `online`.
    act(() => switchMockNetwork(fixture.store, false));
    expect(await credits).toEqual({ balance: 25 });
    await waitFor(() => expect(status.textContent).toBe(''));
    expect(fixture.client.actor.getSnapshot().matches('active')).toBe(true);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(askedToReconnect()).toBe(false);
    expect(document.activeElement).toBe(prompt);
    expect(prompt.value).toBe('a sapphire ring');
  });

  it('keeps the call waiting through failed probes, with the quiet line and never the banner, and sends it once the network is back', async () => {
    const { prompt, askedToReconnect } = await renderOfflineStudio({ validationBackoffMs: 20 });
    const credits = getCredits();
    await waitFor(() => expect(notice().textContent).toBe(offlineLine));
    // Three probes fail (20, 40, 80 ms apart): the call is kept, not failed.
    await waitForActor(fixture.client.actor, (s) => s.matches('offline') && s.context.validationFailures >= 4, { timeout: 2_000 });
    expect(screen.queryByRole('alert')).toBeNull();
    act(() => switchMockNetwork(fixture.store, false));
    expect(await credits).toEqual({ balance: 25 });
    await waitFor(() => expect(notice().textContent).toBe(''));
    expect(askedToReconnect()).toBe(false);
    expect(prompt.value).toBe('a sapphire ring');
  });

  it('says nothing of being offline when the popup is closed after a blip the banner sat through: the banner offers Reconnect', async () => {
    await reconnectAfterBlip();
    fixture.reauths[0]!.reject(new PopupClosedError());

    expect(await screen.findByText(/sign-in window was closed before you signed in/)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('Session expired — click to reconnect');
    expect(notice().textContent).toBe('');
  });

  it('never says offline when the backend is up but answers the check slower than its time limit: the banner comes', async () => {
    const clock = await openNoticesOnClock();
    // Up, and slow: each check is answered, past the first check's limit (and within the next one's).
    const answer = deferred<void>();
    server.use(http.get(`${location.origin}/auth/me`, () => answer.promise));
    const heard = listenToLiveRegions();
    fixture.store.expireSessions();
    // Held for the reconnect; the test ends with stop(), which rejects it.
    getCredits().catch(() => {});
    await waitForActor(fixture.client.actor, (s) => s.matches({ validating: 'checking' }));
    act(() => clock.increment(5_000));
    act(() => clock.increment(1_000));
    await waitForActor(fixture.client.actor, (s) => s.matches({ offline: 'confirming' }));
    answer.resolve();

    expect((await screen.findByRole('alert')).textContent).toContain('Session expired — click to reconnect');
    expect(heard.stop().filter((words) => words.startsWith("You're offline"))).toEqual([]);
    expect(notice().textContent).toBe('');
  });

  it('says offline once a check given twice as long goes unanswered too: a backend that never answers is not waited on in silence', async () => {
    const clock = await openNoticesOnClock();
    server.use(http.get(`${location.origin}/auth/me`, () => delay('infinite')));
    fixture.store.expireSessions();
    getCredits().catch(() => {});
    await waitForActor(fixture.client.actor, (s) => s.matches({ validating: 'checking' }));

    act(() => clock.increment(5_000)); // the first limit: slow or gone, none can tell yet
    act(() => clock.increment(1_000)); // the backoff: a check given 10 s
    expect(fixture.client.actor.getSnapshot().matches({ offline: 'confirming' })).toBe(true);
    act(() => clock.increment(9_999));
    expect(notice().textContent).toBe('');
    act(() => clock.increment(1)); // twice the first limit, unanswered too
    expect(notice().textContent).toBe(offlineLine);
    expect(fixture.client.actor.getSnapshot().context.validationFailures).toBe(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says nothing of being offline while it asks whether an old word of the network still holds, after the popup is closed', async () => {
    await reconnectAfterBlip();
    const heard = listenToLiveRegions();
    fixture.reauths[0]!.reject(new PopupClosedError());

    expect(await screen.findByText(/sign-in window was closed before you signed in/)).toBeTruthy();
    expect(heard.stop().filter((words) => words.startsWith("You're offline"))).toEqual([]);
  });

  for (const [spell, backoffs] of [
    ['waits to ask again', 0],
    ['asks again, given longer', 1],
  ] as const)
    it(`says offline at once when the browser goes offline while a check past its first limit ${spell}`, async () => {
      const clock = await openNoticesOnClock();
      // The backend is slow to answer the check: past its first limit, none can tell slow from gone.
      const answer = deferred<void>();
      server.use(http.get(`${location.origin}/auth/me`, () => answer.promise));
      fixture.store.expireSessions();
      getCredits().catch(() => {});
      await waitForActor(fixture.client.actor, (s) => s.matches({ validating: 'checking' }));
      act(() => clock.increment(5_000));
      if (backoffs) act(() => clock.increment(1_000));
      expect(notice().textContent).toBe('');

      // Now the browser says so: no longer a question, and the clock need not run out a second limit to say it.
      act(() => switchMockNetwork(fixture.store, true));
      await waitFor(() => expect(notice().textContent).toBe(offlineLine));
      answer.resolve();
    });

  it('gives the check after a popup closed on an old word of the network longer than the first limit: a slow backend is not called offline', async () => {
    const clock = await openNoticesOnClock();
    fixture.store.expireSessions();
    getCredits().catch(() => {});
    await screen.findByRole('alert');
    // A blip the banner sat through; then the backend is up, and slower than the first check's limit.
    act(() => void window.dispatchEvent(new Event('offline')));
    act(() => void window.dispatchEvent(new Event('online')));
    const answer = deferred<void>();
    server.use(http.get(`${location.origin}/auth/me`, () => answer.promise));
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    const heard = listenToLiveRegions();
    fixture.reauths[0]!.reject(new PopupClosedError());
    await waitForActor(fixture.client.actor, (s) => s.matches({ offline: 'confirming' }));
    act(() => clock.increment(5_000));
    answer.resolve();

    expect(await screen.findByText(/sign-in window was closed before you signed in/)).toBeTruthy();
    expect(heard.stop().filter((words) => words.startsWith("You're offline"))).toEqual([]);
    expect(notice().textContent).toBe('');
  });

  it('promises nothing of a Generate it already said may have started: only what still waits will be sent', async () => {
    // A backoff far beyond the test: only `online` ends the spell.
    fixture = await createSessionFixture({ signedIn: true, limits: { validationBackoffMs: 600_000 } });
    renderStudioWithNotice();
    await screen.findByText('Ada Lovelace');
    // The connection drops with the Generate on its way: a write out then rejects, it is not kept.
    server.use(
      http.post(`${location.origin}/api/jewelry/generate`, () => {
        fixture.store.setNetworkDown(true);
        return HttpResponse.error();
      }),
    );
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await screen.findByText(/The connection dropped before Generate got an answer: it may have started\./);
    await waitForActor(fixture.client.actor, (s) => s.matches('offline'));

    // Beside it, a line saying that the user's work will be sent would read as "this Generate will go": it will not.
    await waitFor(() => expect(notice().textContent).toBe(offlineLine));
  });

  it('says nothing of being offline on the sign-in page after a sign-out while a slow check was unconfirmed', async () => {
    const clock = new SimulatedClock();
    fixture = await createSessionFixture({ signedIn: true, clock, limits: { validationTimeoutMs: 5_000, validationBackoffMs: 1_000 } });
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser} clock={clock}>
        <ConnectionNotice />
        <AppShell />
      </AuthProvider>,
    );
    await screen.findByText('Ada Lovelace');
    // The backend is up, and slower than the first check's limit.
    const answer = deferred<void>();
    server.use(http.get(`${location.origin}/auth/me`, () => answer.promise));
    fixture.store.expireSessions();
    getCredits().catch(() => {});
    await waitForActor(fixture.client.actor, (s) => s.matches({ validating: 'checking' }));
    act(() => clock.increment(5_000));
    const heard = listenToLiveRegions();

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('button', { name: 'Sign in with Google' });
    expect(notice().textContent).toBe('');
    // The backend was there all along: after a backoff, the probe it answers ends the spell.
    answer.resolve();
    act(() => clock.increment(1_000));
    await waitForActor(fixture.client.actor, (s) => s.matches('active'));
    expect(heard.stop().filter((words) => words.startsWith("You're offline"))).toEqual([]);
  });

  it('promises nothing about work that a sign-out gave up, on the sign-in page', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderStudioWithNotice();
    await screen.findByText('Ada Lovelace');
    act(() => switchMockNetwork(fixture.store, true));
    const credits = getCredits();
    await waitFor(() => expect(notice().textContent).toBe(offlineLine));

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await expect(credits).rejects.toBeInstanceOf(AuthExpiredError);
    await screen.findByRole('button', { name: 'Sign in with Google' });
    // Not sent, ever: the next person at the sign-in page is not told that it will be.
    expect(document.body.textContent).not.toMatch(/work is kept|will be sent/);
  });
});
