/** @vitest-environment happy-dom */
import { act, render, screen } from '@testing-library/react';
import { http } from 'msw';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
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
});
