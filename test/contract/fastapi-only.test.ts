/** @vitest-environment node */
import { Agent, get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { signJwt } from '../../src/mocks/jwt.ts';
import { devClient } from '../../backend/stack.ts';
import { appOrigin, fastapiBackend } from './support/contract-backends.ts';
import { codeChallengeOf } from '../../src/lib/pkce.ts';
import { buttonName, chooserVerifier, openChooser, press } from './support/google-chooser.ts';

// What only the real backend has: CORS (the mock runs on the page's origin), the redirect to Google, the stand-in Google.
const tokenTtlSeconds = 90;
const backend = fastapiBackend({ tokenTtlSeconds });
const callbackUrl = `${appOrigin}/auth/google/callback`;
const otherOrigin = 'https://elsewhere.example';
const pkce = { code_challenge: codeChallengeOf(chooserVerifier), code_challenge_method: 'S256' };
const claimsOf = (jwt: string, part = 1) =>
  JSON.parse(Buffer.from(jwt.split('.')[part]!, 'base64url').toString()) as Record<string, unknown>;

let api: string;
let google: string;
let token: string;
beforeAll(async () => {
  await backend.start();
  api = backend.api;
  google = backend.servers().googleUrl;
  const exchanged = await fetch(`${api}/auth/google/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(await backend.googleCode('Ada Lovelace')),
  });
  token = ((await exchanged.json()) as { access_token: string }).access_token;
}, 60_000);
afterAll(() => backend.stop());

describe('the access token', () => {
  it('is an HS256 JWT that lives TOKEN_TTL_SECONDS, as expires_in says', async () => {
    const claims = claimsOf(token);
    expect(claimsOf(token, 0)).toMatchObject({ alg: 'HS256' });
    expect(claims).toMatchObject({ sub: 'user-ada', email: 'ada@quiet.studio', name: 'Ada Lovelace', role: 'admin' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(tokenTtlSeconds);
  });
});

describe('an upload held on a 401 and replayed after the reconnect', () => {
  // The mock reads the form with the platform's own parser; uvicorn's python-multipart is the one a real backend has.
  it('reaches a real multipart parser whole: its bytes, its type and a filename that is not ASCII', async () => {
    const claims = { sub: 'user-ada', email: 'ada@quiet.studio', name: 'Ada Lovelace', role: 'admin' };
    const now = Math.floor(Date.now() / 1000);
    // Good by its exp, so it is sent; signed with a key the backend does not use, so the backend answers 401.
    let current = await signJwt({ ...claims, iat: now, exp: now + 600 }, 'a-key-this-backend-does-not-use');
    const sent: string[] = [];
    const client = createAuthFetch({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        sent.push(`${(input as Request).method} ${response.status}`);
        return response;
      },
      getToken: () => current,
      setToken: (next) => {
        current = next;
      },
      validate: async ({ token: given }) => (await fetch(`${api}/auth/me`, { headers: { authorization: `Bearer ${given}` } })).ok,
      reauthenticate: async () => token,
      allowedOrigins: [api],
    });
    try {
      const bytes = new Uint8Array(3 * 1024 * 1024).map((_, index) => index % 251);
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const form = new FormData();
      form.append('file', new File([bytes], 'bague émeraude 💍.png', { type: 'image/png' }));
      const call = client.authFetch(`${api}/api/images/validate`, { method: 'POST', body: form });
      await waitFor(client.actor, (state) => state.matches('needsReauth'), { timeout: 10_000 });
      client.reconnect();
      const response = await call;
      expect({ status: response.status, body: (await response.json()) as unknown }).toEqual({
        status: 200,
        body: { valid: true, filename: 'bague émeraude 💍.png', content_type: 'image/png', size_bytes: bytes.length, issues: [] },
      });
      expect(sent).toEqual(['POST 401', 'POST 200']);
    } finally {
      client.stop();
    }
  }, 30_000);
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${api}/api/jewelry/generate`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it("lets the app's origin read answers, 401s included, with WWW-Authenticate exposed", async () => {
    for (const [path, authorization, status] of [
      ['/auth/me', `Bearer ${token}`, 200],
      ['/api/credits', undefined, 401],
      ['/api/credits', 'Bearer not-a-jwt', 401],
    ] as const) {
      const response = await fetch(`${api}${path}`, { headers: { origin: appOrigin, ...(authorization ? { authorization } : {}) } });
      expect(response.status).toBe(status);
      expect(response.headers.get('access-control-allow-origin')).toBe(appOrigin);
      const exposed = response.headers.get('access-control-expose-headers')?.toLowerCase().split(/,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['www-authenticate', 'date']));
    }
  });

  it("answers the app's preflight for a JSON POST with a bearer token", async () => {
    const response = await preflight(appOrigin);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = response.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type']));
  });

  it('gives any other origin no CORS header, on answers and preflights alike', async () => {
    const ok = await fetch(`${api}/auth/me`, { headers: { origin: otherOrigin, authorization: `Bearer ${token}` } });
    const refused = await fetch(`${api}/auth/me`, { headers: { origin: otherOrigin } });
    const asked = await preflight(otherOrigin);
    expect([ok.status, refused.status, asked.status]).toEqual([200, 401, 400]);
    for (const response of [ok, refused, asked]) expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the Date header', () => {
  /** The `Date` and the local port of an answer to GET `url` through `agent`. */
  const dated = (url: string, agent: Agent) =>
    new Promise<{ date: number; port: number }>((done, failed) => {
      httpGet(url, { agent }, (response) => {
        response.resume();
        done({ date: Date.parse(String(response.headers.date)), port: response.socket.localPort ?? 0 });
      }).on('error', failed);
    });

  // The session reads the backend's clock from it (src/lib/session/server-clock.ts), and a browser keeps its
  // connection alive while panels poll: a Date frozen when the connection opened reads as a clock falling behind.
  it('is the time of the answer, on a kept-alive connection too', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await dated(`${api}/auth/me`, agent);
      await new Promise((later) => setTimeout(later, 2_500));
      const second = await dated(`${api}/auth/me`, agent);
      expect(second.port).toBe(first.port);
      expect(second.date - first.date).toBeGreaterThanOrEqual(2_000);
    } finally {
      agent.destroy();
    }
  });
});

describe('GET /auth/google/login', () => {
  it("redirects to the provider with the app's callback, the code flow's parameters, its PKCE challenge and the SPA's state verbatim", async () => {
    const state = 'nonce from the SPA: a/b+c=d&e';
    const response = await fetch(`${api}/auth/google/login?${new URLSearchParams({ state, redirect_uri: callbackUrl, ...pkce })}`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${google}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: devClient.id,
      redirect_uri: callbackUrl,
      response_type: 'code',
      scope: 'openid email profile',
      state,
      ...pkce,
    });
  });

  it('refuses a challenge that is not S256, as plain would put the verifier in the URL; takes none', async () => {
    const login = (query: Record<string, string>) =>
      fetch(`${api}/auth/google/login?${new URLSearchParams({ state: 's', ...query })}`, { redirect: 'manual' });
    // None: a browser that can keep no verifier (cookies blocked) signs in as before PKCE.
    expect((await login({})).status).toBe(302);
    expect((await login({ code_challenge: chooserVerifier, code_challenge_method: 'plain' })).status).toBe(400);
    expect((await login({ code_challenge: pkce.code_challenge })).status).toBe(400);
  });

  it('refuses any other redirect_uri with 400 and redirects nowhere', async () => {
    for (const redirectUri of ['https://elsewhere.example/auth/google/callback', `${appOrigin}/somewhere-else`, `${callbackUrl}?next=x`]) {
      const response = await fetch(`${api}/auth/google/login?${new URLSearchParams({ state: 's', redirect_uri: redirectUri, ...pkce })}`, {
        redirect: 'manual',
      });
      expect(response.status, redirectUri).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });
});

describe('a sign-in whose popup was opened again (Try again: the same state)', () => {
  const exchange = (pair: { code: string; state: string }) =>
    fetch(`${api}/auth/google/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...pair, code_verifier: chooserVerifier }),
    });
  const codeFrom = async (page: Awaited<ReturnType<typeof openChooser>>) =>
    (await press(page, 'Continue as Ada Lovelace')).searchParams.get('code')!;

  it("completes from the first window, which COOP kept out of the app's reach, once", async () => {
    const state = globalThis.crypto.randomUUID();
    const first = await openChooser(api, state, callbackUrl);
    const second = await openChooser(api, state, callbackUrl);
    const signedIn = await exchange({ code: await codeFrom(first), state });
    expect(signedIn.status, await signedIn.clone().text()).toBe(200);
    // The sign-in is over: the other window's code is no good for it any more.
    expect((await exchange({ code: await codeFrom(second), state })).status).toBe(400);
  });

  it('completes from the window opened again', async () => {
    const state = globalThis.crypto.randomUUID();
    await openChooser(api, state, callbackUrl);
    const second = await openChooser(api, state, callbackUrl);
    expect((await exchange({ code: await codeFrom(second), state })).status).toBe(200);
  });
});

describe('the stand-in Google', () => {
  it('shows an account chooser with three buttons, and isolates its pages from the opener', async () => {
    const page = await openChooser(api, 'state-1', callbackUrl);
    expect(page.response.status).toBe(200);
    expect(page.response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const names = [...page.html.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/g)].map(([, attributes, content]) =>
      buttonName(attributes!, content!),
    );
    expect(names).toEqual(['Continue as Ada Lovelace', 'Continue as Grace Hopper', 'Cancel']);
  });

  it('sends Cancel back to the app with error=access_denied and the state', async () => {
    const back = await press(await openChooser(api, 'state-2'), 'Cancel');
    expect(`${back.origin}${back.pathname}`).toBe(callbackUrl);
    expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'access_denied', state: 'state-2' });
  });

  it('exchanges a code once, for an RS256 ID token its JWKS verifies the key of', async () => {
    const page = await openChooser(api, 'state-3');
    const nonce = new URL(page.url).searchParams.get('nonce');
    const code = (await press(page, 'Continue as Grace Hopper')).searchParams.get('code')!;
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUrl,
      client_id: devClient.id,
      client_secret: devClient.secret,
      code_verifier: chooserVerifier,
    };
    const post = (fields: Record<string, string>) => fetch(`${google}/token`, { method: 'POST', body: new URLSearchParams(fields) });

    const wrongSecret = await post({ ...form, client_secret: 'guessed' });
    expect([wrongSecret.status, ((await wrongSecret.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);

    const exchanged = await post(form);
    expect(exchanged.status).toBe(200);
    expect(exchanged.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const { id_token: idToken } = (await exchanged.json()) as { id_token: string };
    const header = claimsOf(idToken, 0);
    expect(header).toMatchObject({ alg: 'RS256' });
    const now = Date.now() / 1000;
    expect(claimsOf(idToken)).toMatchObject({
      iss: google,
      aud: devClient.id,
      sub: expect.any(String),
      email: 'grace@quiet.studio',
      email_verified: true,
      name: 'Grace Hopper',
      nonce,
      iat: expect.toSatisfy((iat: number) => Math.abs(iat - now) < 60),
      exp: expect.toSatisfy((exp: number) => exp > now),
    });
    const jwks = await fetch(`${google}/oauth2/v3/certs`);
    expect(jwks.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect((await jwks.json()) as unknown).toMatchObject({ keys: [{ kty: 'RSA', kid: header.kid, alg: 'RS256', use: 'sig' }] });

    const reused = await post(form);
    expect([reused.status, ((await reused.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);

    // A code is bound to its PKCE challenge (and used up by a wrong verifier), and to the redirect_uri it was issued for.
    for (const verifier of [undefined, `${chooserVerifier.slice(0, -1)}j`]) {
      const code = (await press(await openChooser(api, globalThis.crypto.randomUUID()), 'Continue as Ada Lovelace')).searchParams.get(
        'code',
      )!;
      const { code_verifier: _, ...withoutVerifier } = form;
      const wrong = await post({ ...withoutVerifier, code, ...(verifier && { code_verifier: verifier }) });
      expect([wrong.status, ((await wrong.json()) as { error: string }).error], verifier).toEqual([400, 'invalid_grant']);
      expect((await post({ ...form, code })).status).toBe(400);
    }
    const other = (await press(await openChooser(api, 'state-4'), 'Continue as Ada Lovelace')).searchParams.get('code')!;
    const wrongRedirect = await post({ ...form, code: other, redirect_uri: `${appOrigin}/elsewhere` });
    expect([wrongRedirect.status, ((await wrongRedirect.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
  });

  it('refuses an unregistered redirect_uri or client with an error page, never a redirect', async () => {
    const query = { client_id: devClient.id, redirect_uri: callbackUrl, response_type: 'code', scope: 'openid email', state: 's' };
    for (const bad of [{ redirect_uri: 'https://elsewhere.example/cb' }, { client_id: 'someone-else' }]) {
      const response = await fetch(`${google}/o/oauth2/v2/auth?${new URLSearchParams({ ...query, ...bad })}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    }
  });

  it('publishes a discovery document that points at its endpoints', async () => {
    const response = await fetch(`${google}/.well-known/openid-configuration`);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect((await response.json()) as unknown).toMatchObject({
      issuer: google,
      authorization_endpoint: `${google}/o/oauth2/v2/auth`,
      token_endpoint: `${google}/token`,
      jwks_uri: `${google}/oauth2/v3/certs`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });
});
