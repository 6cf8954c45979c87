/** @vitest-environment happy-dom */
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { signInWithGooglePopup } from '../../../src/lib/auth-api.ts';
import { createAuthFetch, selectBannerView, selectWaitingForNetwork } from '../../../src/lib/session/index.ts';
import { track } from '../../support/outcomes.ts';
import { serveForTests } from '../../support/msw-server.ts';

const API = 'https://api.studio.test';

const server = serveForTests(
  http.get(`${API}/auth/me`, () => new HttpResponse(null, { status: 401 })),
  http.get(`${API}/api/credits`, ({ request }) =>
    request.headers.get('authorization') === 'Bearer expired' ? new HttpResponse(null, { status: 401 }) : HttpResponse.json({ credits: 3 }),
  ),
);
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A window.open double: the popups it opened. */
function openedPopups() {
  const popups: Array<{ closed: boolean; close(): void }> = [];
  vi.spyOn(window, 'open').mockImplementation(() => {
    const popup = { closed: false, close: () => void (popup.closed = true) };
    popups.push(popup);
    return popup as unknown as Window;
  });
  return popups;
}

describe('signInWithGooglePopup, as the app wires it, while the backend is down', () => {
  it('keeps the held calls however often Reconnect is pressed: the session waits for the backend', async () => {
    vi.stubEnv('VITE_API_BASE_URL', API);
    const popups = openedPopups();
    let token = 'expired';
    const session = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: async ({ signal }) => (await fetch(`${API}/auth/me`, { signal })).ok,
      // As main.tsx has it (tab sync and the closed hint aside).
      reauthenticate: ({ signal }) => signInWithGooglePopup({ signal }),
      allowedOrigins: [API],
    });
    try {
      const call = track(session.authFetch(`${API}/api/credits`));
      await waitFor(session.actor, (s) => selectBannerView(s) === 'expired' && s.context.queue.length === 1);
      // The backend goes down while the banner shows: fetch meets a network error, the check beside the popup too.
      server.use(
        http.get(`${API}/health`, () => HttpResponse.error()),
        http.get(`${API}/auth/me`, () => HttpResponse.error()),
      );
      // Pressed each time the banner offers Reconnect, as its words ask.
      for (let press = 0; press < 3 && selectBannerView(session.actor.getSnapshot()) === 'expired'; press++) {
        session.reconnect();
        await vi.waitFor(() => expect(popups[press]?.closed).toBe(true));
        await vi.waitFor(() => expect(session.actor.getSnapshot().matches('reauthenticating')).toBe(false));
      }
      expect(call.settled).toBe(false);
      // The offline line, not a sign-in given up: the call goes once the backend is back and the user reconnects.
      expect(selectWaitingForNetwork(session.actor.getSnapshot())).toBe(true);
      expect(session.actor.getSnapshot().context.queue).toHaveLength(1);
    } finally {
      session.stop();
    }
  });

  it('leaves the popup to its sign-in when only /health fails (a gateway that does not route it): the backend answers', async () => {
    vi.stubEnv('VITE_API_BASE_URL', API);
    const popups = openedPopups();
    const asked: string[] = [];
    server.use(
      http.get(`${API}/health`, () => HttpResponse.error()),
      http.get(`${API}/auth/me`, () => {
        asked.push('/auth/me');
        return new HttpResponse(null, { status: 401 });
      }),
    );
    const controller = new AbortController();
    const signIn = track(signInWithGooglePopup({ signal: controller.signal }));
    await vi.waitFor(() => expect(asked).toEqual(['/auth/me']));
    // A few turns: a check that failed would have settled the sign-in by now.
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(signIn.settled).toBe(false);
    expect(popups[0]?.closed).toBe(false);
    controller.abort();
  });
});
