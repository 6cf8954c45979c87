/** @vitest-environment node */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { createPopupHints, openSignInPopup, type PopupClosedHint, selectBannerView } from '../../src/lib/session/index.ts';
import { signInChannelName, tokenMessageType } from '../../src/lib/session/popup-message.ts';
import { createChannelBus, createOpenerWindow } from '../support/fake-sign-in-windows.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

// Try again (the hint's reopen) promises that the time limit starts again: the session must not give the new popup up sooner.
const API = 'https://api.test';
const far = 4_000_000_000;
const jwt = (n: number) => unsignedJwt({ sub: 'ada', n, exp: far });
const stops = stoppedAfterEach();

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('Try again in the app wiring', () => {
  // The chart's limits.reauthTimeoutMs (180 s) starts again with reopen(), as openSignInPopup's 120 s do: pressed
  // 100 s in, Try again gives the new window its 120 s, not the 80 s left of the first deadline.
  /** Signs in with the default limits; the popup reads closed, and Try again is pressed 100 s in. */
  async function tryAgainAfter100s(onClosedHint: (hints: ReturnType<typeof createPopupHints>) => (hint: PopupClosedHint | null) => void) {
    const bus = createChannelBus();
    const opener = createOpenerWindow(bus);
    const hints = createPopupHints();
    const state = 'state-1';
    let token = jwt(1);
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: async ({ token: t }) => t !== jwt(1),
      reauthenticate: ({ signal }) =>
        openSignInPopup({ url: `/consent?state=${state}`, state, signal, host: opener.host, onClosedHint: onClosedHint(hints) }),
      allowedOrigins: [API],
      fetch: async (_input, init) =>
        new Response('{}', { status: new Headers(init?.headers).get('authorization') === `Bearer ${jwt(1)}` ? 401 : 200 }),
    });
    stops.push(client.stop);
    const call = client.authFetch(`${API}/api/credits`);
    call.catch(() => {}); // given up by stop() when the test fails
    await vi.waitFor(() => expect(client.actor.getSnapshot().matches('needsReauth')).toBe(true));
    client.reconnect();
    opener.popups[0]!.closed = true; // COOP: open, but reads closed
    await vi.advanceTimersByTimeAsync(100_000);
    try {
      hints.current()!.reopen(); // Try again, 100 s in: openSignInPopup's 120 s start again
    } catch {} // the page's own throw, in its click handler
    await vi.advanceTimersByTimeAsync(100_000); // 200 s in, 100 s into the new popup's 120 s
    expect(selectBannerView(client.actor.getSnapshot())).toBe('reconnecting');
    expect(opener.popups[1]!.closeCalls).toBe(0);
    bus.post(signInChannelName(state), { type: tokenMessageType, state, token: jwt(2) });
    await waitFor(client.actor, (s) => s.matches('active'));
    expect((await call).status).toBe(200);
  }

  it('gives the reopened popup its whole time limit, with the default limits', async () => {
    await tryAgainAfter100s((hints) => hints.report);
  });

  it("gives the reopened popup its whole time limit when the page's hint callback throws as the hint is withdrawn", async () => {
    await tryAgainAfter100s((hints) => (hint) => {
      hints.report(hint);
      if (hint === null) throw new Error('the banner was gone already');
    });
  });
});
