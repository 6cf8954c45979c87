/** @vitest-environment happy-dom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { waitFor as waitForActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { SessionExpiredBanner } from '../../../src/components/SessionExpiredBanner.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { PopupBlockedError, PopupClosedError } from '../../../src/lib/session/errors.ts';
import { followResumedSignIn } from '../../../src/lib/resumed-sign-in.ts';
import { createPopupHints, createTabSync, openSignInPopup, resumeSignIn, type PopupHints } from '../../../src/lib/session/index.ts';
import { errorMessageType, signInChannelName, tokenMessageType } from '../../../src/lib/session/popup-message.ts';
import { signInErrorFor } from '../../../src/lib/session/provider-error.ts';
import { rememberSignIn } from '../../../src/lib/session/sign-in-record.ts';
import { createChannelBus, createOpenerWindow } from '../../support/fake-sign-in-windows.ts';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { getCredits } from '../../../src/lib/credits-api.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

withSessionFixtures(() => fixture);

async function renderExpiredStudio(
  options: { reauthenticate?: Parameters<typeof createSessionFixture>[0]['reauthenticate']; popupHints?: PopupHints } = {},
) {
  fixture = await createSessionFixture({ signedIn: true, reauthenticate: options.reauthenticate });
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser} popupHints={options.popupHints}>
      <SessionExpiredBanner />
      <label>
        Prompt <input />
      </label>
      <a href="/admin/batches">Admin batches</a>
    </AuthProvider>,
  );
  const prompt = screen.getByLabelText('Prompt');
  act(() => prompt.focus());
  fireEvent.change(prompt, { target: { value: 'a sapphire ring' } });
  await waitForActor(fixture.client.actor, (s) => s.matches('active'));
  fixture.store.expireSessions();
  let settled = false;
  const credits = getCredits().finally(() => (settled = true));
  // Tests that do not await it end with stop(), which rejects what is still held.
  credits.catch(() => {});
  const alert = await screen.findByRole('alert');
  return { prompt, credits, alert, isSettled: () => settled };
}

describe('SessionExpiredBanner', () => {
  it('shows nothing while the session is good', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <SessionExpiredBanner />
      </AuthProvider>,
    );
    expect(await getCredits()).toEqual({ balance: 25 });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('appears when the session expires, holds the request and leaves focus and the draft alone', async () => {
    const { prompt, alert, isSettled } = await renderExpiredStudio();
    expect(alert.textContent).toContain('Session expired — click to reconnect');
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeTruthy();
    expect(document.activeElement).toBe(prompt);
    expect((prompt as HTMLInputElement).value).toBe('a sapphire ring');
    expect(isSettled()).toBe(false);
  });

  it('runs re-auth inside the click, says Reconnecting…, then goes away and the held request completes', async () => {
    const { prompt, credits } = await renderExpiredStudio();
    const href = location.href;
    const button = screen.getByRole('button', { name: 'Reconnect' });
    fireEvent.mouseDown(button);
    act(() => button.focus()); // what the browser does after mousedown on a button
    fireEvent.click(button);
    // Synchronous: the popup (here a deferred) was started in the click's own call stack.
    expect(fixture.reauths).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Reconnecting…' }).getAttribute('aria-disabled')).toBe('true');
    // Still focusable, so that focus does not fall to the page; pressed again, it starts nothing.
    fireEvent.click(screen.getByRole('button', { name: 'Reconnecting…' }));
    expect(fixture.reauths).toHaveLength(1);
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(await credits).toEqual({ balance: 25 });
    expect(location.href).toBe(href);
    // The button went away with focus on it: focus goes back to the draft.
    expect(document.activeElement).toBe(prompt);
  });

  it('gives focus back to the draft after a keyboard Reconnect, as after a click', async () => {
    const { prompt, credits } = await renderExpiredStudio();
    const button = screen.getByRole('button', { name: 'Reconnect' });
    // Tab from the draft past a link to the button, then Enter: a keyboard click, with no mousedown before it.
    act(() => screen.getByRole('link', { name: 'Admin batches' }).focus());
    act(() => button.focus());
    fireEvent.keyDown(button, { key: 'Enter' });
    fireEvent.click(button);
    expect(fixture.reauths).toHaveLength(1);
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(await credits).toEqual({ balance: 25 });
    expect(document.activeElement).toBe(prompt);
  });

  it('says plainly that the popup was closed, offers again, and a second try works', async () => {
    const { credits, isSettled } = await renderExpiredStudio();
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    fixture.reauths[0]!.reject(new PopupClosedError());
    expect(await screen.findByText(/sign-in window was closed before you signed in/)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('Session expired — click to reconnect');
    expect(isSettled()).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    expect(fixture.reauths).toHaveLength(2);
    fixture.reauths[1]!.resolve(await fixture.issueToken());
    expect(await credits).toEqual({ balance: 25 });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it.each([
    ['provider_busy', 'Google is busy right now (provider_busy). Wait a moment, then press Reconnect.'],
    ['provider_unreachable', 'Google could not be reached (provider_unreachable). Press Reconnect to try again.'],
    [
      'server_misconfigured',
      "it is not set up right on the studio's server (server_misconfigured). Trying again will not help: please tell the studio's team.",
    ],
  ])("says what the callback page's %s means and what to do, and keeps the work held", async (code, words) => {
    const { isSettled } = await renderExpiredStudio();
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    fixture.reauths[0]!.reject(signInErrorFor(code));
    expect(await screen.findByText(`Signing in with Google did not finish: ${words}`)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('Session expired — click to reconnect');
    // Google's side or the site's, not the network's: the banner says so rather than "offline".
    expect(screen.getByRole('alert').textContent).not.toMatch(/offline|server could not be reached/);
    expect(isSettled()).toBe(false);
  });

  it('no longer says the server could not be reached once it answers again, and simply offers Reconnect', async () => {
    const { isSettled } = await renderExpiredStudio();
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    // The backend was down while the user was at Google: the callback page could not trade the code.
    fixture.reauths[0]!.reject(signInErrorFor('server_unreachable'));
    await waitForActor(fixture.client.actor, (s) => s.matches('offline'));
    // Back up; the browser says so, and the session asks the backend, which still refuses the old token.
    act(() => void window.dispatchEvent(new Event('online')));
    await waitForActor(fixture.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Session expired — click to reconnect');
    expect(alert.textContent).not.toMatch(/could not be reached|server_unreachable/);
    expect(screen.getByRole('button', { name: 'Reconnect' }).hasAttribute('aria-disabled')).toBe(false);
    expect(isSettled()).toBe(false);
  });

  it('shows no button, not even a disabled one, while another tab reconnects', async () => {
    await renderExpiredStudio();
    act(() => fixture.client.reconnectingElsewhere(true));
    expect(screen.getByRole('alert').textContent).toBe('Reconnecting in another tab…');
    expect(screen.queryByRole('button')).toBeNull();
    act(() => fixture.client.reconnectingElsewhere(false));
    expect(screen.getByRole('button', { name: 'Reconnect' }).hasAttribute('aria-disabled')).toBe(false);
  });

  it('says, on the busy Reconnect itself, why it does nothing while sign-in cools down', async () => {
    await renderExpiredStudio();
    while (!fixture.client.actor.getSnapshot().matches({ needsReauth: 'coolingDown' })) {
      const reconnect = screen.getByRole('button', { name: 'Reconnect' });
      act(() => reconnect.focus()); // Tab to it, then Enter
      fireEvent.click(reconnect);
      fixture.reauths.at(-1)!.reject(new PopupClosedError());
      await waitForActor(fixture.client.actor, (s) => s.matches('needsReauth'));
    }
    // Tabbing back to it, a screen reader says why it is unavailable, not only "Reconnect, dimmed".
    const busy = screen.getByRole('button', { name: 'Reconnect', description: 'Sign-in failed several times. Try again in a moment.' });
    expect(busy.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(busy);
  });

  it("gives focus back to the draft when another tab's reconnect takes the focused Reconnect away", async () => {
    const { prompt } = await renderExpiredStudio();
    const button = screen.getByRole('button', { name: 'Reconnect' });
    act(() => button.focus());
    act(() => fixture.client.reconnectingElsewhere(true));
    expect(screen.queryByRole('button')).toBeNull();
    expect(document.activeElement).toBe(prompt);
  });

  it('tells the user to allow pop-ups when the popup was blocked', async () => {
    await renderExpiredStudio();
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    fixture.reauths[0]!.reject(new PopupBlockedError());
    expect(await screen.findByText(/blocked by the browser\. Allow pop-ups/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reconnect' }).hasAttribute('aria-disabled')).toBe(false);
  });

  it('asks to finish in the window of a sign-in begun before a reload, and its Try again signs in anew', async () => {
    const popupHints = createPopupHints();
    const { credits } = await renderExpiredStudio({ popupHints });
    // The app's wiring of resumeSignIn: no popup of this page to watch, so a hint from the start.
    const resumed = {
      reopen: () => {
        popupHints.report(null);
        fixture.client.reconnect();
      },
    };
    act(() => popupHints.report(resumed));
    expect(screen.getByRole('alert').textContent).toContain('Finish signing in in the Google window.');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.getByRole('button', { name: 'Reconnecting…' })).toBeTruthy();
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    expect(await credits).toEqual({ balance: 25 });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('says why a sign-in begun before a reload failed, as after its own popup, and offers Reconnect', async () => {
    const popupHints = createPopupHints();
    const { isSettled } = await renderExpiredStudio({ popupHints });
    // The page before the reload left its pending sign-in in the tab's sessionStorage.
    rememberSignIn(() => sessionStorage, undefined, { state: 'resumed', deadline: Date.now() + 60_000 });
    // This page, as main.tsx wires it: tab sync carries the resumed sign-in (the session has its own validate and popup).
    const bus = createChannelBus();
    const host = { ...createOpenerWindow(bus, location.origin).host, sessionStorage };
    const tabs = createTabSync({ validate: async () => true, reauthenticate: () => Promise.reject(new Error('not used')) });
    const disconnect = tabs.connect(fixture.client);
    const givenUp = new AbortController();
    const followed = followResumedSignIn(resumeSignIn({ signal: givenUp.signal, host })!, givenUp, {
      tokens: fixture.tokens,
      tabs,
      popupHints,
      session: fixture.client,
    });
    expect(await screen.findByText('Finish signing in in the Google window.')).toBeTruthy();
    bus.post(signInChannelName('resumed'), { type: errorMessageType, state: 'resumed', error: 'access_denied' });
    await followed;
    expect(await screen.findByText('Signing in with Google was cancelled. Press Reconnect when you are ready.')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('Session expired — click to reconnect');
    expect(screen.getByRole('button', { name: 'Reconnect' }).hasAttribute('aria-disabled')).toBe(false);
    expect(isSettled()).toBe(false);
    disconnect();
  });

  describe('with the real popup handshake, behind a provider that sends COOP', () => {
    /** The popup as main.tsx wires it, on a window double: each sign-in's state is kept to answer on its channel. */
    function popupSignIn() {
      const bus = createChannelBus();
      const opener = createOpenerWindow(bus, location.origin);
      const popupHints = createPopupHints();
      const states: string[] = [];
      const reauthenticate = ({ signal }: { signal: AbortSignal }) => {
        const state = `state-${states.length + 1}`;
        states.push(state);
        return openSignInPopup({
          url: `/auth/google/consent?state=${state}`,
          state,
          signal,
          host: opener.host,
          closedCheckMs: 5,
          onClosedHint: popupHints.report,
        });
      };
      const answer = (data: Record<string, string>) => bus.post(signInChannelName(states.at(-1)!), { state: states.at(-1)!, ...data });
      return { opener, popupHints, reauthenticate, answer };
    }

    it('asks to finish in the Google window while the popup reads closed, and the token that comes later still reconnects', async () => {
      const popup = popupSignIn();
      const { credits, isSettled } = await renderExpiredStudio(popup);
      fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
      expect(screen.getByRole('button', { name: 'Reconnecting…' })).toBeTruthy();
      popup.opener.popups[0]!.closed = true; // open, but cut off from us
      await screen.findByText('Finish signing in in the Google window.');
      expect(screen.getByRole('alert').textContent).toContain('Closed it, or cannot find it? Press Try again.');
      expect(screen.getByRole('button', { name: 'Try again' }).hasAttribute('aria-disabled')).toBe(false);
      expect(isSettled()).toBe(false);
      popup.answer({ type: tokenMessageType, token: await fixture.issueToken() });
      expect(await credits).toEqual({ balance: 25 });
      await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    });

    it('never says "sign in in the Google window" again once the token arrived after the hint', async () => {
      const popup = popupSignIn();
      const { credits } = await renderExpiredStudio(popup);
      fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
      popup.opener.popups[0]!.closed = true;
      await screen.findByText('Finish signing in in the Google window.');
      // What a screen reader hears: every text the alert region takes, until it goes.
      const said: string[] = [];
      const observer = new MutationObserver(() => {
        const text = document.querySelector('[role="alert"]')?.textContent ?? null;
        if (text !== null && said.at(-1) !== text) said.push(text);
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      popup.answer({ type: tokenMessageType, token: await fixture.issueToken() });
      expect(await credits).toEqual({ balance: 25 });
      await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
      observer.disconnect();
      expect(said.filter((text) => text.includes('Reconnecting…'))).toEqual([]);
    });

    it('opens a new popup inside the Try again click, in the same sign-in', async () => {
      const popup = popupSignIn();
      const { credits } = await renderExpiredStudio(popup);
      fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
      popup.opener.popups[0]!.closed = true;
      fireEvent.click(await screen.findByRole('button', { name: 'Try again' }));
      // Synchronous: the second window was opened in the click's own call stack.
      expect(popup.opener.opened).toHaveLength(2);
      expect(screen.getByRole('button', { name: 'Reconnecting…' }).getAttribute('aria-disabled')).toBe('true');
      expect(fixture.client.actor.getSnapshot().context.reauthFailures).toBe(0);
      popup.answer({ type: tokenMessageType, token: await fixture.issueToken() });
      expect(await credits).toEqual({ balance: 25 });
    });

    it('says the sign-in did not finish, and offers Reconnect, when Try again cannot open a window at all', async () => {
      const popup = popupSignIn();
      const { isSettled } = await renderExpiredStudio(popup);
      fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
      popup.opener.popups[0]!.closed = true;
      const tryAgain = await screen.findByRole('button', { name: 'Try again' });
      popup.opener.host.open = () => {
        throw new DOMException('Opening a window is not allowed here.', 'SecurityError');
      };
      expect(() => fireEvent.click(tryAgain)).not.toThrow();
      expect(await screen.findByText('Sign-in did not finish. Press Reconnect to try again.')).toBeTruthy();
      expect(screen.getByRole('button', { name: 'Reconnect' }).hasAttribute('aria-disabled')).toBe(false);
      expect(isSettled()).toBe(false);
    });

    it('says at once that sign-in was cancelled, keeps the request held, and a second try works', async () => {
      const popup = popupSignIn();
      const { credits, isSettled } = await renderExpiredStudio(popup);
      fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
      popup.answer({ type: errorMessageType, error: 'access_denied' });
      expect(await screen.findByText('Signing in with Google was cancelled. Press Reconnect when you are ready.')).toBeTruthy();
      expect(screen.getByRole('alert').textContent).toContain('Session expired — click to reconnect');
      expect(isSettled()).toBe(false);
      fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
      expect(popup.opener.opened).toHaveLength(2);
      popup.answer({ type: tokenMessageType, token: await fixture.issueToken() });
      expect(await credits).toEqual({ balance: 25 });
    });

    it('offers Reconnect again with the advice to allow pop-ups when the browser blocks the popup', async () => {
      const popup = popupSignIn();
      const { isSettled } = await renderExpiredStudio(popup);
      popup.opener.block();
      fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
      expect(await screen.findByText(/blocked by the browser\. Allow pop-ups/)).toBeTruthy();
      expect(screen.getByRole('button', { name: 'Reconnect' }).hasAttribute('aria-disabled')).toBe(false);
      expect(isSettled()).toBe(false);
    });
  });
});
