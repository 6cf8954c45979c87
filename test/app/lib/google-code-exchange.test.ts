/** @vitest-environment happy-dom */
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { exchangeGoogleCode } from '../../../src/lib/auth-api.ts';
import { completeGoogleSignIn, openSignInPopup } from '../../../src/lib/session/index.ts';
import { createChannelBus, createOpenerWindow } from '../../support/fake-sign-in-windows.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

/** What the studio's Reconnect hears when the callback page's exchange of the code meets `answer`. */
async function signInMeeting(answer: () => Response): Promise<unknown> {
  fixture = await createSessionFixture({ signedIn: false });
  server.use(http.post(`${location.origin}/auth/google/callback`, answer));
  const bus = createChannelBus();
  const studio = createOpenerWindow(bus, location.origin);
  const state = 'b0f4c1de-2d5e-4a8b-9f6a-6c1d2e3f4a5b';
  const popup = openSignInPopup({ url: `${location.origin}/consent?state=${state}`, state, host: studio.host });
  const url = new URL(`${location.origin}/auth/google/callback?code=c0de&state=${state}`);
  await completeGoogleSignIn({ url, opener: null, exchange: exchangeGoogleCode, BroadcastChannel: bus.BroadcastChannel });
  return popup.catch((error: unknown) => (error as Error).message);
}

describe('exchangeGoogleCode behind a gateway', () => {
  it.each([502, 503, 504])(
    "says the studio's server could not be reached when the gateway answers %i with its own HTML page",
    async (status) => {
      const said = await signInMeeting(
        () => new HttpResponse(`<html><body><h1>${status}</h1></body></html>`, { status, headers: { 'content-type': 'text/html' } }),
      );
      // nginx could not reach FastAPI during a deploy: Google was never asked.
      expect(said).toContain("the studio's server could not be reached");
      expect(said).not.toContain('Google could not be reached');
    },
  );

  it("says the studio's server could not be reached when the network fails the exchange", async () => {
    const said = await signInMeeting(() => HttpResponse.error());
    expect(said).toContain("the studio's server could not be reached");
  });

  it('says Google could not be reached when FastAPI itself answers 502 with its detail', async () => {
    const said = await signInMeeting(() => HttpResponse.json({ detail: 'Google could not be reached. Try again.' }, { status: 502 }));
    expect(said).toContain('Google could not be reached');
  });

  it.each([
    [
      'provider_busy',
      'Google is busy. Try again in a moment.',
      'Google is busy right now (provider_busy). Wait a moment, then press Reconnect.',
    ],
    [
      'server_misconfigured',
      'Sign-in with Google is not set up right on this server. Trying again will not help.',
      "it is not set up right on the studio's server (server_misconfigured). Trying again will not help",
    ],
  ])('says what the code %s of FastAPI’s 502 means, not that Google could not be reached', async (code, detail, words) => {
    const said = await signInMeeting(() => HttpResponse.json({ detail, code }, { status: 502 }));
    expect(said).toContain(words);
    expect(said).not.toContain('could not be reached');
  });

  it("does not say the studio's server could not be reached when it answers its own crash's plain-text 500", async () => {
    // Starlette's answer to an unhandled exception: the server was reached, and the sign-in failed there.
    const said = await signInMeeting(
      () => new HttpResponse('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
    );
    expect(said).toContain('the server could not finish it');
    expect(said).not.toContain('could not be reached');
  });
});
