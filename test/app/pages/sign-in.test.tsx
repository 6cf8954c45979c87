/** @vitest-environment happy-dom */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppShell } from '../../../src/components/AppShell.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { createPopupHints } from '../../../src/lib/session/index.ts';
import { listenToLiveRegions } from '../support/announcements.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

withSessionFixtures(() => fixture);
afterEach(() => {
  vi.restoreAllMocks();
});

describe('SignIn', () => {
  it('announces why the sign-in did not finish, as the banner does, each time it fails', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    // The browser's popup blocker refuses the window.
    vi.spyOn(window, 'open').mockReturnValue(null);
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AppShell />
      </AuthProvider>,
    );
    const button = await screen.findByRole('button', { name: 'Sign in with Google' });
    expect(screen.queryByRole('alert')).toBeNull();

    fireEvent.click(button);
    // Read out to someone who cannot see the line appear under the button.
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The sign-in window was blocked by the browser. Allow pop-ups for this site, then press Sign in with Google again.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with Google' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/blocked by the browser/);
  });

  it('stays focusable while the popup is open, and a second press opens no second popup', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const open = vi.spyOn(window, 'open').mockReturnValue({ closed: false, close: () => {} } as Window);
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AppShell />
      </AuthProvider>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with Google' }));
    const busy = await screen.findByRole('button', { name: 'Signing in…' });
    // Not `disabled`: Chromium would drop focus to the page, and a cancelled sign-in would leave it there.
    expect(busy.hasAttribute('disabled')).toBe(false);
    expect(busy.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(busy);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('asks to finish in the window of a sign-in begun before a reload, and its Try again opens a new one', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const open = vi.spyOn(window, 'open').mockReturnValue({ closed: false, close: () => {} } as Window);
    const popupHints = createPopupHints();
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser} popupHints={popupHints}>
        <AppShell />
      </AuthProvider>,
    );
    await screen.findByRole('button', { name: 'Sign in with Google' });
    // The app's wiring of resumeSignIn: that window is not this page's to see, so a hint from the start.
    act(() => popupHints.report({ reopen: () => popupHints.report(null) }));
    expect(screen.getByRole('status').textContent).toContain('Finish signing in in the Google window.');
    const tryAgain = screen.getByRole('button', { name: 'Try again' });
    tryAgain.focus();
    fireEvent.click(tryAgain);
    expect(open).toHaveBeenCalledTimes(1);
    // Its line goes with the hint: the focus goes to the busy button, not to the top of the page.
    expect(document.activeElement).toBe(await screen.findByRole('button', { name: 'Signing in…' }));
    // This page's own popup is the one it speaks of now: it reads open, so no hint.
    expect(screen.queryByText(/Finish signing in in the Google window/)).toBeNull();
  });

  it('reads out the line that asks to finish in the Google window when it comes', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const popupHints = createPopupHints();
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser} popupHints={popupHints}>
        <AppShell />
      </AuthProvider>,
    );
    await screen.findByRole('button', { name: 'Sign in with Google' });
    const heard = listenToLiveRegions();
    act(() => popupHints.report({ reopen: () => popupHints.report(null) }));
    // Someone who cannot see it appear hears where to finish, and that Try again is there.
    expect(heard.stop()).toEqual(['Finish signing in in the Google window. Closed it, or cannot find it? Try again']);
  });
});
