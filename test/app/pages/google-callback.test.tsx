/** @vitest-environment happy-dom */
import { act, render, screen } from '@testing-library/react';
import { http } from 'msw';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { signInWithGooglePopup } from '../../../src/lib/auth-api.ts';
import { receiptMessageType, signInChannelName } from '../../../src/lib/session/popup-message.ts';
import { GoogleCallback } from '../../../src/pages/GoogleCallback.tsx';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('GoogleCallback', () => {
  it('leaves no code or state in the address once it has read them', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    window.history.pushState(null, '', '/auth/google/callback?code=4%2Fone-use-code&state=s-1&scope=openid');
    render(<GoogleCallback />);
    expect(await screen.findByRole('status')).toBeTruthy();
    // A window left open, the back button, a reload: none of them finds the one-use code.
    expect(window.location.href).toBe(`${window.location.origin}/auth/google/callback`);
  });

  it.each([
    ['error=access_denied', 'Signing in was cancelled. You can close this window.'],
    ['error=server_error', 'Signing in did not finish: the studio window says why. You can close this one.'],
    ['error=Not+a+code', 'Signing in did not finish: the studio window says why. You can close this one.'],
  ])('does not say Done in a window the browser keeps open when the studio was told %s', async (query, words) => {
    fixture = await createSessionFixture({ signedIn: false });
    // A page load of its own: the page completes one sign-in per load.
    vi.resetModules();
    const { GoogleCallback: Page } = await import('../../../src/pages/GoogleCallback.tsx');
    vi.spyOn(window, 'close').mockImplementation(() => {});
    // The studio window waiting for this sign-in: it takes the answer and sends its receipt.
    const studio = new BroadcastChannel(signInChannelName('s-2'));
    studio.onmessage = () => studio.postMessage({ type: receiptMessageType, state: 's-2' });
    onTestFinished(() => studio.close());
    window.history.pushState(null, '', `/auth/google/callback?${query}&state=s-2`);
    render(<Page />);
    expect(await screen.findByText(words)).toBeTruthy();
  });

  it('says signing in did not finish, and cancels the request, when the server never answers the exchange', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const exchanges: Request[] = [];
    // A backend that took the connection and never answers.
    server.use(
      http.post(`${window.location.origin}/auth/google/callback`, ({ request }) => {
        exchanges.push(request);
        return new Promise<never>(() => {});
      }),
    );
    vi.resetModules();
    const { GoogleCallback: Page } = await import('../../../src/pages/GoogleCallback.tsx');
    vi.spyOn(window, 'close').mockImplementation(() => {});
    const studio = new BroadcastChannel(signInChannelName('s-3'));
    studio.onmessage = () => studio.postMessage({ type: receiptMessageType, state: 's-3' });
    onTestFinished(() => studio.close());
    window.history.pushState(null, '', '/auth/google/callback?code=4%2Fone-use-code&state=s-3');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    render(<Page />);
    await act(() => vi.advanceTimersByTimeAsync(60_000)); // half the studio's two minutes
    vi.useRealTimers();
    expect(await screen.findByText('Signing in did not finish: the studio window says why. You can close this one.')).toBeTruthy();
    expect(exchanges.map((request) => request.signal.aborted)).toEqual([true]);
  });

  it('says at once that the studio stopped waiting when the studio gave the sign-in up, and trades no code', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    const exchanges: string[] = [];
    server.events.on('request:start', ({ request }) => void (request.method === 'POST' && exchanges.push(request.url)));
    onTestFinished(() => server.events.removeAllListeners());
    vi.resetModules();
    const { GoogleCallback: Page } = await import('../../../src/pages/GoogleCallback.tsx');
    vi.spyOn(window, 'close').mockImplementation(() => {});
    // The studio's sign-in, its popup cut off by the provider's COOP (open, but it reads closed), given up: signed out.
    const opened: string[] = [];
    vi.spyOn(window, 'open').mockImplementation((url) => {
      opened.push(String(url));
      return { closed: true, close() {} } as Window;
    });
    const signOut = new AbortController();
    const signedIn = signInWithGooglePopup({ signal: signOut.signal }).catch(() => 'given up');
    signOut.abort();
    expect(await signedIn).toBe('given up');
    // The user finishes at Google in the window the studio could not close.
    const state = new URL(opened[0]!).searchParams.get('state');
    window.history.pushState(null, '', `/auth/google/callback?code=4%2Fone-use-code&state=${state}`);
    // No timer runs from here: no wait for a receipt that cannot come is over before the words show.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    render(<Page />);
    await act(async () => {});
    expect(screen.getByRole('status').textContent).toBe(
      'The studio stopped waiting for this sign-in. Close this window, and sign in from the studio if it still asks you to.',
    );
    expect(exchanges).toEqual([]);
  });
});
