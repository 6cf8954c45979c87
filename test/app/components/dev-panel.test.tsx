/** @vitest-environment happy-dom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { waitFor as waitForActor } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionNotice } from '../../../src/components/ConnectionNotice.tsx';
import { DevPanel } from '../../../src/components/DevPanel.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { readTokenClaims } from '../../../src/lib/session/index.ts';
import { getCredits } from '../../../src/lib/credits-api.ts';
import { switchMockNetwork } from '../../../src/mocks/network-switch.ts';
import { listenToLiveRegions } from '../support/announcements.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;
withSessionFixtures(() => fixture);
afterEach(() => {
  vi.restoreAllMocks();
});

describe('DevPanel', () => {
  it('copies a readable session report with no token in it', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    await getCredits();
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<DevPanel session={fixture.client} tokens={fixture.tokens} />);
    expect(screen.queryByRole('button', { name: 'Expire session' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Copy session report' }));
    await screen.findByText('Copied.');
    const text = writeText.mock.calls[0]![0];
    expect(text).toContain('\n  "format": "quiet-session-report/1"');
    expect(JSON.parse(text)).toMatchObject({
      held: 0,
      entries: expect.arrayContaining([expect.objectContaining({ event: 'xstate.init' })]),
    });
    expect(text).not.toContain(fixture.tokens.getToken()!);
  });

  it('says copying was not allowed where the page has no clipboard (plain http on a LAN address)', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    render(<DevPanel session={fixture.client} tokens={fixture.tokens} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy session report' }));
    expect(await screen.findByText('The browser did not allow copying.')).toBeTruthy();
  });

  it('reads out the offline line once, not each probe of the network nor each held call', async () => {
    fixture = await createSessionFixture({ signedIn: true, expiryLeadMs: 60_000, limits: { validationBackoffMs: 20 } });
    render(
      <>
        <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
          <ConnectionNotice />
        </AuthProvider>
        <DevPanel session={fixture.client} tokens={fixture.tokens} mock={fixture.store} />
      </>,
    );
    // What a screen reader hears: each new text of a live region (an <output> is one unless told aria-live="off").
    const heard: string[] = [];
    const live = () =>
      [...document.querySelectorAll('[role=status], [role=alert], [aria-live], output')].filter(
        (region) => region.getAttribute('aria-live') !== 'off',
      );
    const last = new Map<Element, string>();
    const listen = () => {
      for (const region of live()) {
        const text = region.textContent ?? '';
        if (last.get(region) !== text && text !== '') heard.push(text);
        last.set(region, text);
      }
    };
    listen();
    heard.length = 0;
    const observer = new MutationObserver(listen);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });

    act(() => switchMockNetwork(fixture.store, true));
    const credits = getCredits();
    const second = getCredits();
    // Several probes fail (20, 40, 80 ms apart): the chart goes probing and back to waiting each time.
    await waitForActor(fixture.client.actor, (s) => s.matches('offline') && s.context.validationFailures >= 4, { timeout: 2_000 });
    await waitFor(() => expect(Number(screen.getByTestId('held-count').textContent)).toBeGreaterThanOrEqual(2));
    act(() => switchMockNetwork(fixture.store, false));
    await Promise.all([credits, second]);
    await waitFor(() => expect(screen.getByTestId('session-state').textContent).toBe('active.quiet'));
    observer.disconnect();

    expect(heard).toEqual(["You're offline — anything still waiting will be sent when the connection is back."]);
  });

  it('says signed out beside the chart state on the sign-in page, and no more once signed in', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <DevPanel session={fixture.client} tokens={fixture.tokens} mock={fixture.store} />
      </AuthProvider>,
    );
    // The chart runs with no one signed in: its `active` alone reads as a live session.
    expect(screen.getByTestId('session-state').parentElement?.textContent).toBe('Session: active.quiet (signed out) · held: 0');
    const token = await fixture.issueToken();
    act(() => fixture.tokens.setToken(token));
    expect(screen.getByTestId('session-state').parentElement?.textContent).toBe('Session: active.quiet · held: 0');
  });

  it('keeps Open Stately Inspector focusable once the inspector is open', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    // The inspector's window, left open; stately.ai is not reached from the tests.
    const open = vi.spyOn(window, 'open').mockReturnValue({ closed: false, postMessage: () => {} } as unknown as Window);
    render(<DevPanel session={fixture.client} tokens={fixture.tokens} />);
    const button = screen.getByRole('button', { name: 'Open Stately Inspector' });
    button.focus();
    fireEvent.click(button);
    await waitFor(() => expect(open).toHaveBeenCalledTimes(1));
    // Chromium drops focus to the page when the focused button turns `disabled`: the next Tab starts from the top.
    expect(button.textContent).toBe('Inspector open');
    expect({ disabled: button.hasAttribute('disabled'), busy: button.getAttribute('aria-disabled') }).toEqual({
      disabled: false,
      busy: 'true',
    });
  });

  it('offers Open Stately Inspector again once the inspector window is closed', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const inspectorWindow = { closed: false, postMessage: () => {} } as unknown as Window;
    const open = vi.spyOn(window, 'open').mockReturnValue(inspectorWindow);
    render(<DevPanel session={fixture.client} tokens={fixture.tokens} />);
    fireEvent.click(screen.getByRole('button', { name: 'Open Stately Inspector' }));
    await screen.findByRole('button', { name: 'Inspector open' });
    // The user closes the inspector's window.
    Object.defineProperty(inspectorWindow, 'closed', { value: true });
    const button = await screen.findByRole('button', { name: 'Open Stately Inspector' });
    expect(button.getAttribute('aria-disabled')).toBeNull();
    fireEvent.click(button);
    await waitFor(() => expect(open).toHaveBeenCalledTimes(2));
  });

  it('opens no inspector window once the panel has gone while the inspector loaded', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const open = vi.spyOn(window, 'open').mockReturnValue({ closed: false, postMessage: () => {} } as unknown as Window);
    const { unmount } = render(<DevPanel session={fixture.client} tokens={fixture.tokens} />);
    fireEvent.click(screen.getByRole('button', { name: 'Open Stately Inspector' }));
    unmount(); // the panel goes (signed out, say) before the inspector has loaded
    await import('@statelyai/inspect');
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(open).not.toHaveBeenCalled();
  });

  it('offers Open Stately Inspector again when the inspector cannot be loaded (offline)', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    vi.doMock('@statelyai/inspect', () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')));
    try {
      render(<DevPanel session={fixture.client} tokens={fixture.tokens} />);
      fireEvent.click(screen.getByRole('button', { name: 'Open Stately Inspector' }));
      await screen.findByRole('button', { name: 'Inspector open' });
      const button = await screen.findByRole('button', { name: 'Open Stately Inspector' });
      expect(button.getAttribute('aria-disabled')).toBeNull();
    } finally {
      vi.doUnmock('@statelyai/inspect');
    }
  });

  it('says which tokens Expire session forgot until a new sign-in', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(<DevPanel session={fixture.client} tokens={fixture.tokens} mock={fixture.store} />);
    fireEvent.click(screen.getByRole('button', { name: 'Expire session' }));
    expect(screen.getByText(/^Tokens issued before .+ forgotten\.$/)).toBeTruthy();
    // Reconnect (or any new sign-in) stores a token issued after the press: the line is old news.
    const token = await fixture.issueToken();
    act(() => fixture.tokens.setToken(token));
    expect(screen.queryByText(/forgotten/)).toBeNull();
  });

  it('shows the token lifetime another tab set, the one the next sign-in gets', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(<DevPanel session={fixture.client} tokens={fixture.tokens} mock={fixture.store} />);
    const lifetime = screen.getByRole<HTMLInputElement>('spinbutton', { name: /Token lifetime/ });
    expect(lifetime.value).toBe('60');
    // Another tab sets it: the mock's store is the origin's localStorage, shared by every tab, and this tab hears `storage`.
    fixture.store.setTokenLifetimeSec(30);
    act(() => void window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.mock.tokenLifetimeSec', newValue: '30' })));
    expect(lifetime.value).toBe('30');
    // What the panel shows is what the backend issues next.
    const { iat, exp } = readTokenClaims(await fixture.issueToken()) as { iat: number; exp: number };
    expect(exp - iat).toBe(30);
  });

  it.each(['2', '', '1e999', '86401'])('says a lifetime of "%s" is not taken, and which the next sign-in gets instead', async (typed) => {
    fixture = await createSessionFixture({ signedIn: true });
    render(<DevPanel session={fixture.client} tokens={fixture.tokens} mock={fixture.store} />);
    const lifetime = screen.getByRole<HTMLInputElement>('spinbutton', { name: /Token lifetime/ });
    fireEvent.change(lifetime, { target: { value: '30' } });
    fireEvent.change(lifetime, { target: { value: typed } });
    const said = 'From 5 to 86400 s: the next sign-in gets 30 s.';
    expect(screen.getByText(said)).toBeTruthy();
    expect(lifetime.getAttribute('aria-invalid')).toBe('true');
    expect(lifetime.getAttribute('aria-describedby')).toBe(screen.getByText(said).id);
    const { iat, exp } = readTokenClaims(await fixture.issueToken()) as { iat: number; exp: number };
    expect(exp - iat).toBe(30);
    // A lifetime it takes: nothing more to say.
    fireEvent.change(lifetime, { target: { value: '10' } });
    expect(screen.queryByText(/From 5 to 86400 s/)).toBeNull();
    expect(lifetime.getAttribute('aria-invalid')).toBeNull();
  });

  it('reads out that the report was copied, at each press', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<DevPanel session={fixture.client} tokens={fixture.tokens} />);
    const heard = listenToLiveRegions();
    fireEvent.click(screen.getByRole('button', { name: 'Copy session report' }));
    await waitFor(() => expect(heard.heard).toHaveLength(1));
    // A second copy (the session has moved on): the same words, heard again, or the press seems to do nothing.
    fireEvent.click(screen.getByRole('button', { name: 'Copy session report' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(heard.heard).toHaveLength(2));
    expect(heard.stop()).toEqual(['Copied.', 'Copied.']);
  });
});
