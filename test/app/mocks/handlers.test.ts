/** @vitest-environment node */
import { beforeEach, describe, expect, it } from 'vitest';
import { codeChallengeOf } from '../../../src/lib/pkce.ts';
import { createMockHandlers } from '../../../src/mocks/handlers.ts';
import { createMockStore } from '../../../src/mocks/mock-store.ts';
import { signJwt } from '../../../src/mocks/jwt.ts';
import { serveForTests } from '../../support/msw-server.ts';
import { imageFile } from '../../support/image-files.ts';

const API = 'http://studio.test';
let clock = 0;
let store = createMockStore();
const server = serveForTests();

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The PKCE verifier of every sign-in here (RFC 7636 Appendix B's). */
const code_verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const pkce = { code_challenge: codeChallengeOf(code_verifier), code_challenge_method: 'S256' };

async function googleCode(state: string, account?: string): Promise<string> {
  return ((await (await fetch(`${API}/mock-google/authorize`, json({ account, state, ...pkce }))).json()) as { code: string }).code;
}

async function signIn(): Promise<string> {
  const code = await googleCode('state-1');
  const response = await fetch(`${API}/auth/google/callback`, json({ code, state: 'state-1', code_verifier }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const get = (path: string, token: string | null) => fetch(`${API}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeEach(() => {
  clock = Date.UTC(2025, 5, 1, 12, 0, 0);
  store = createMockStore();
  server.resetHandlers(...createMockHandlers({ apiBaseUrl: API, store, now: () => clock }));
});

describe('mock backend', () => {
  it('issues a JWT through the Google code exchange that /auth/me accepts', async () => {
    const token = await signIn();
    expect(token.split('.')).toHaveLength(3);
    const me = await get('/auth/me', token);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: 'ada@quiet.studio', role: 'admin' });
  });

  it('answers 401 on every API route to a missing, forged, expired or revoked token', async () => {
    const token = await signIn();
    const forged = await signJwt({ sub: 'user-ada', typ: 'access', iat: clock / 1000, exp: clock / 1000 + 60 }, 'another-key');
    const routes = ['/auth/me', '/api/credits', '/api/microservices/health', '/api/admin/batches', '/api/workflows/wf_abc_def/status'];
    for (const path of routes) {
      expect((await get(path, null)).status, path).toBe(401);
      expect((await get(path, forged)).status, path).toBe(401);
      expect((await get(path, token)).status, path).not.toBe(401);
    }
    clock += 61_000;
    expect((await get('/api/credits', token)).status).toBe(401);
    clock -= 61_000;
    store.expireSessions(clock);
    clock += 1;
    expect((await get('/api/credits', token)).status).toBe(401);
    expect((await get('/api/credits', await signIn())).status).toBe(200);
  });

  it('gives new tokens the lifetime set in the store', async () => {
    store.setTokenLifetimeSec(5);
    const token = await signIn();
    clock += 4_000;
    expect((await get('/auth/me', token)).status).toBe(200);
    clock += 1_500;
    expect((await get('/auth/me', token)).status).toBe(401);
  });

  it('rejects a Google code used as an access token and a made-up code', async () => {
    const code = await googleCode('state-1');
    expect((await get('/auth/me', code)).status).toBe(401);
    const bad = await fetch(`${API}/auth/google/callback`, json({ code: 'nope', state: 'state-1', code_verifier }));
    expect(bad.status).toBe(400);
  });

  it('signs in as the account chosen on the consent page, and refuses an unknown one', async () => {
    const code = await googleCode('state-2', 'user-grace');
    const exchanged = await fetch(`${API}/auth/google/callback`, json({ code, state: 'state-2', code_verifier }));
    const { access_token: token } = (await exchanged.json()) as { access_token: string };
    expect(await (await get('/auth/me', token)).json()).toMatchObject({ id: 'user-grace', name: 'Grace Hopper' });
    expect((await fetch(`${API}/mock-google/authorize`, json({ account: 'user-nobody', state: 'state-3', ...pkce }))).status).toBe(400);
  });

  it('gives a code only to a sign-in with an S256 challenge, or none (a browser that can keep no verifier)', async () => {
    const authorize = (body: Record<string, string>) => fetch(`${API}/mock-google/authorize`, json({ state: 'state-4', ...body }));
    expect((await authorize({ code_challenge: code_verifier, code_challenge_method: 'plain' })).status).toBe(400);
    expect((await authorize({ code_challenge: pkce.code_challenge })).status).toBe(400);
    expect((await authorize(pkce)).status).toBe(200);
    const { code } = (await (await authorize({})).json()) as { code: string };
    const exchanged = await fetch(`${API}/auth/google/callback`, json({ code, state: 'state-4' }));
    expect(exchanged.status).toBe(200);
  });

  it('generates against credits and completes the workflow after its run time', async () => {
    const token = await signIn();
    const response = await fetch(`${API}/api/jewelry/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a sapphire ring' }),
    });
    expect(response.status).toBe(202);
    const started = (await response.json()) as { workflow_id: string; credits_remaining: number };
    expect(started.credits_remaining).toBe(24);
    expect(await (await get('/api/credits', token)).json()).toEqual({ balance: 24 });
    const running = await (await get(`/api/workflows/${started.workflow_id}/status`, token)).json();
    expect(running).toMatchObject({ status: 'RUNNING' });
    clock += 3_000;
    const done = (await (await get(`/api/workflows/${started.workflow_id}/status`, token)).json()) as {
      status: string;
      result: { image_url: string };
    };
    expect(done.status).toBe('COMPLETED');
    expect(done.result.image_url).toMatch(/^data:image\/svg\+xml;base64,/);
  });

  it('validates a multipart image upload', async () => {
    const token = await signIn();
    const send = (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return fetch(`${API}/api/images/validate`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    };
    const ok = await (await send(imageFile(64, 'ring.png'))).json();
    expect(ok).toMatchObject({ valid: true, filename: 'ring.png', size_bytes: 64, issues: [] });
    const bad = (await (await send(new File(['hello'], 'notes.txt', { type: 'text/plain' }))).json()) as {
      valid: boolean;
      issues: string[];
    };
    expect(bad.valid).toBe(false);
    expect(bad.issues[0]).toMatch(/Unsupported type text\/plain/);
  });

  it('pages through the admin batches', async () => {
    const token = await signIn();
    const last = (await (await get('/api/admin/batches?page=5&page_size=10', token)).json()) as {
      items: unknown[];
      pages: number;
      total: number;
    };
    expect(last).toMatchObject({ pages: 5, total: 47 });
    expect(last.items).toHaveLength(7);
  });
});
