/** @vitest-environment node */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signJwt } from '../../src/mocks/jwt.ts';
import { accessTokenAudience, accessTokenIssuer } from '../../src/mocks/mock-auth.ts';
import { mockBatches, mockServices } from '../../src/mocks/mock-data.ts';
import { fastapiBackend, mswBackend, type AccountName, type ContractBackend } from './support/contract-backends.ts';
import { chooserVerifier } from './support/google-chooser.ts';
import { issuesOf, shapeOf } from './support/shape.ts';
import { imageFile } from '../support/image-files.ts';

// One contract, two backends: each call the app makes gets the same status and shape from the msw mock and from FastAPI.
const tokenTtlSeconds = 120;
const backends = [mswBackend(), fastapiBackend({ tokenTtlSeconds })];

const user = { id: 'string', email: 'string', name: 'string', role: 'string' };
const signedIn = { access_token: 'string', token_type: 'string', expires_in: 'number' };
const problem = { detail: 'string' };
const nowSec = () => Math.floor(Date.now() / 1000);

describe.each(backends)('$name', (backend: ContractBackend) => {
  const api = (path: string) => `${backend.api}${path}`;
  const json = (body: unknown, token?: string): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const exchange = (body: unknown) => fetch(api('/auth/google/callback'), json(body));
  const signIn = async (account: AccountName) => {
    const response = await exchange(await backend.googleCode(account));
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const get = (path: string, token?: string) => fetch(api(path), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const upload = (file: File | string, token: string) => {
    const form = new FormData();
    form.append('file', file);
    return fetch(api('/api/images/validate'), { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  };
  const answer = async (response: Response) => ({ status: response.status, body: (await response.json()) as unknown });

  let ada: string;
  let grace: string;
  beforeAll(async () => {
    await backend.start();
    ada = await signIn('Ada Lovelace');
    grace = await signIn('Grace Hopper');
  }, 60_000);
  afterAll(() => backend.stop());

  describe('Google sign-in', () => {
    it('trades a code and its state for a bearer token of the chosen account', async () => {
      const { status, body } = await answer(await exchange(await backend.googleCode('Grace Hopper')));
      expect(status).toBe(200);
      expect(shapeOf(body)).toEqual(signedIn);
      expect(body).toMatchObject({ token_type: 'bearer' });
      const token = (body as { access_token: string }).access_token;
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as unknown;
      expect(claims).toMatchObject({ iss: accessTokenIssuer, aud: accessTokenAudience });
      const me = await answer(await get('/auth/me', (body as { access_token: string }).access_token));
      expect(me).toEqual({ status: 200, body: { id: 'user-grace', email: 'grace@quiet.studio', name: 'Grace Hopper', role: 'member' } });
    });

    // RFC 6749 §5.1: a token answer must not be kept by the browser's cache or a proxy in front of the backend.
    it('answers the exchange with Cache-Control: no-store', async () => {
      const response = await exchange(await backend.googleCode('Ada Lovelace'));
      expect({ status: response.status, cacheControl: response.headers.get('cache-control') }).toEqual({
        status: 200,
        cacheControl: 'no-store',
      });
    });

    it('refuses a code used before, with 400', async () => {
      const pair = await backend.googleCode('Ada Lovelace');
      expect((await exchange(pair)).status).toBe(200);
      const again = await answer(await exchange(pair));
      expect(again.status).toBe(400);
      expect(shapeOf(again.body)).toEqual(problem);
    });

    it('refuses a code sent with the state of another sign-in, or with a state nobody started', async () => {
      const { code, code_verifier } = await backend.googleCode('Ada Lovelace');
      const other = await answer(await exchange({ code, state: await backend.startedState(), code_verifier }));
      expect(other.status).toBe(400);
      expect(shapeOf(other.body)).toEqual(problem);
      const second = await backend.googleCode('Ada Lovelace');
      expect((await exchange({ ...second, state: 'never-started' })).status).toBe(400);
    });

    // The code and state are in the callback page's URL, so in the static host's log: alone, they trade for nothing.
    it('refuses a code and its state without their PKCE code_verifier, and still takes the right one after', async () => {
      const pair = await backend.googleCode('Ada Lovelace');
      const { code_verifier: verifier, ...fromTheLog } = pair;
      const without = await answer(await exchange(fromTheLog));
      expect(without.status).toBe(400);
      expect(shapeOf(without.body)).toEqual(problem);
      const guessed = await answer(
        await exchange({ ...fromTheLog, code_verifier: verifier.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
      );
      expect(guessed.status).toBe(400);
      expect(shapeOf(guessed.body)).toEqual(problem);
      // Whoever tried it did not use the sign-in up: the user's own callback page still signs in.
      expect((await exchange(pair)).status).toBe(200);
    });

    it('answers an exchange that is not JSON with 422, without saying its code or verifier back', async () => {
      // An answer may be logged where the request is not (a proxy, an error reporter): the verifier must not be in it.
      const response = await fetch(api('/auth/google/callback'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"code":"c0de-of-ada","state":"s","code_verifier": v3rifier}',
      });
      const text = await response.text();
      expect(response.status).toBe(422);
      expect(issuesOf(JSON.parse(text)).map((issue) => issue.type)).toEqual(['value_error.jsondecode']);
      expect(text).not.toMatch(/c0de|v3rif/);
    });

    it('refuses a made-up code for a started sign-in', async () => {
      const made = await answer(await exchange({ code: '4/made-up', state: await backend.startedState(), code_verifier: chooserVerifier }));
      expect(made.status).toBe(400);
      expect(shapeOf(made.body)).toEqual(problem);
    });

    it('answers a malformed exchange with 422, as FastAPI validates it', async () => {
      expect(issuesOf((await answer(await exchange({}))).body)).toEqual([
        { loc: ['body', 'code'], type: 'value_error.missing' },
        { loc: ['body', 'state'], type: 'value_error.missing' },
      ]);
      const wrongType = await answer(await exchange({ code: 42, state: 's', code_verifier: chooserVerifier }));
      expect(wrongType.status).toBe(422);
      expect(issuesOf(wrongType.body)).toEqual([{ loc: ['body', 'code'], type: 'type_error.str' }]);
      const broken = await fetch(api('/auth/google/callback'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"code":',
      });
      expect(broken.status).toBe(422);
      expect(issuesOf(await broken.json()).map((issue) => issue.type)).toEqual(['value_error.jsondecode']);
      const empty = await fetch(api('/auth/google/callback'), { method: 'POST', headers: { 'content-type': 'application/json' } });
      expect(issuesOf(await empty.json())).toEqual([{ loc: ['body'], type: 'value_error.missing' }]);
    });
  });

  describe('401 on every protected route', () => {
    const routes: [string, () => RequestInit][] = [
      ['/auth/me', () => ({})],
      ['/api/credits', () => ({})],
      ['/api/microservices/health', () => ({})],
      ['/api/admin/batches?page=1&page_size=10', () => ({})],
      ['/api/workflows/wf_abc_def/status', () => ({})],
      ['/api/jewelry/generate', () => json({ prompt: 'a ring' })],
      [
        '/api/images/validate',
        () => ({ method: 'POST', body: formWith(new File([new Uint8Array(8)], 'ring.png', { type: 'image/png' })) }),
      ],
    ];
    const send = (path: string, init: RequestInit, authorization?: string) =>
      fetch(api(path), { ...init, headers: { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) } });
    const claims = () => ({ sub: 'user-ada', email: 'ada@quiet.studio', name: 'Ada Lovelace', role: 'admin' });

    it('accepts a token it signed that has not expired (the control for the cases below)', async () => {
      const token = await backend.sign({ ...claims(), iat: nowSec() - 10, exp: nowSec() + 600 });
      for (const [path, init] of routes) expect((await send(path, init(), `Bearer ${token}`)).status, path).not.toBe(401);
    });

    it('answers a request without a bearer token with a bare Bearer challenge', async () => {
      for (const authorization of [undefined, 'Basic YWRhOnNlY3JldA==', 'Bearer']) {
        for (const [path, init] of routes) {
          const response = await send(path, init(), authorization);
          expect({ path, authorization, status: response.status, challenge: response.headers.get('www-authenticate') }).toEqual({
            path,
            authorization,
            status: 401,
            challenge: 'Bearer',
          });
          expect(shapeOf(await response.json())).toEqual(problem);
        }
      }
    });

    it('answers an expired, forged, unsigned or malformed token with error="invalid_token"', async () => {
      const expired = await backend.sign({ ...claims(), iat: nowSec() - 700, exp: nowSec() - 60 });
      const forged = await signJwt({ ...claims(), typ: 'access', iat: nowSec(), exp: nowSec() + 600 }, 'a-key-this-backend-does-not-use');
      const fresh = () => ({ ...claims(), iat: nowSec() - 10, exp: nowSec() + 600 });
      const good = await backend.sign(fresh());
      const tokens = {
        expired,
        forged,
        otherAudience: await backend.sign({ ...fresh(), aud: 'another-api' }),
        otherIssuer: await backend.sign({ ...fresh(), iss: 'another-issuer' }),
        noAudience: await backend.sign({ ...fresh(), aud: undefined }),
        noIssuer: await backend.sign({ ...fresh(), iss: undefined }),
        malformed: 'not-a-jwt',
        garbage: 'eyJhbGciOiJIUzI1NiJ9.bm9wZQ.c2ln',
        google: (await backend.googleCode('Ada Lovelace')).code,
        unsigned: `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${good.split('.')[1]}.`,
        noSubject: await backend.sign({ ...fresh(), sub: undefined as unknown as string }),
        noExpiry: await backend.sign({ ...fresh(), exp: undefined as unknown as number }),
        // RFC 6750's `1*SP`, but neither backend strips the second space: the token is then not theirs.
        twoSpaces: ` ${good}`,
      };
      for (const [kind, token] of Object.entries(tokens)) {
        for (const [path, init] of routes) {
          const response = await send(path, init(), `Bearer ${token}`);
          expect({ kind, path, status: response.status, challenge: response.headers.get('www-authenticate') }).toEqual({
            kind,
            path,
            status: 401,
            challenge: 'Bearer error="invalid_token"',
          });
          expect(shapeOf(await response.json())).toEqual(problem);
        }
      }
    });
  });

  describe('the studio', () => {
    it('says it is up at /health, without a token', async () => {
      expect(await answer(await get('/health'))).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('says who is signed in at /auth/me', async () => {
      expect(await answer(await get('/auth/me', ada))).toEqual({
        status: 200,
        body: { id: 'user-ada', email: 'ada@quiet.studio', name: 'Ada Lovelace', role: 'admin' },
      });
      expect(shapeOf((await answer(await get('/auth/me', grace))).body)).toEqual(user);
    });

    it('reports the credits and the services health', async () => {
      const credits = await answer(await get('/api/credits', ada));
      expect(credits.status).toBe(200);
      expect(shapeOf(credits.body)).toEqual({ balance: 'number' });
      const health = await answer(await get('/api/microservices/health', ada));
      expect(health.status).toBe(200);
      expect(shapeOf(health.body)).toEqual({
        checked_at: 'string',
        services: [{ name: 'string', version: 'string', status: 'string', latency_ms: 'number' }],
      });
      const { services, checked_at } = health.body as { services: { name: string }[]; checked_at: string };
      expect(services.map((service) => service.name)).toEqual(mockServices.map((service) => service.name));
      expect(new Date(checked_at).toISOString()).toBe(checked_at);
    });

    it('starts a generation for a credit, and its workflow reports progress then a result', async () => {
      const { balance } = (await (await get('/api/credits', ada)).json()) as { balance: number };
      const started = await answer(await fetch(api('/api/jewelry/generate'), json({ prompt: '  a sapphire ring ' }, ada)));
      expect(started.status).toBe(202);
      expect(shapeOf(started.body)).toEqual({
        generation_id: 'string',
        workflow_id: 'string',
        prompt: 'string',
        credits_remaining: 'number',
      });
      expect(started.body).toMatchObject({ prompt: 'a sapphire ring', credits_remaining: balance - 1 });
      expect(await answer(await get('/api/credits', ada))).toEqual({ status: 200, body: { balance: balance - 1 } });

      const running = { workflow_id: 'string', status: 'string', progress: 'number' };
      const completed = { ...running, result: { image_url: 'string' } };
      const status = await answer(await get(`/api/workflows/${(started.body as { workflow_id: string }).workflow_id}/status`, ada));
      expect(status.status).toBe(200);
      expect(shapeOf(status.body)).toEqual((status.body as { status: string }).status === 'RUNNING' ? running : completed);
      // The workflow finishes within seconds, on either backend.
      const finished = (started.body as { workflow_id: string }).workflow_id;
      const done = await vi.waitFor(
        async () => {
          const polled = await answer(await get(`/api/workflows/${finished}/status`, ada));
          expect(polled.body).toMatchObject({ status: 'COMPLETED' });
          return polled;
        },
        { timeout: 10_000, interval: 250 },
      );
      expect(shapeOf(done.body)).toEqual(completed);
      expect(done.body).toMatchObject({ workflow_id: finished, status: 'COMPLETED', progress: 1 });
      expect((done.body as { result: { image_url: string } }).result.image_url).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(await answer(await get('/api/workflows/not-a-workflow/status', ada))).toMatchObject({ status: 404 });
      // An id whose start time no clock can hold (the mock's parseInt gives Infinity) is no workflow either, not a 500;
      // tagged as the backend's own, or the tag alone would refuse it.
      for (const digits of [400, 5_000]) {
        const huge = backend.workflowId('user-ada', 'z'.repeat(digits), 'abc123');
        expect(await answer(await get(`/api/workflows/${huge}/status`, ada)), `${digits} digits`).toMatchObject({ status: 404 });
      }
    });

    // Started on another host whose clock is ahead (or before this one's clock stepped back): not begun yet, not -40%.
    it('reports a workflow whose start is still ahead of its clock as at 0, never below', async () => {
      const ahead = backend.workflowId('user-ada', (Date.now() + 60_000).toString(36), 'abc123');
      expect(await answer(await get(`/api/workflows/${ahead}/status`, ada))).toEqual({
        status: 200,
        body: { workflow_id: ahead, status: 'RUNNING', progress: 0 },
      });
    });

    it('shows a workflow only to the account that started it, as an unknown id to anyone else', async () => {
      const started = await fetch(api('/api/jewelry/generate'), json({ prompt: 'a ring' }, ada));
      const { workflow_id: mine } = (await started.json()) as { workflow_id: string };
      expect((await get(`/api/workflows/${mine}/status`, ada)).status).toBe(200);
      const unknown = await answer(await get('/api/workflows/not-a-workflow/status', grace));
      expect(unknown).toEqual({ status: 404, body: { detail: 'Workflow not found' } });
      expect(await answer(await get(`/api/workflows/${mine}/status`, grace))).toEqual(unknown);
      // Nor does an id written by hand, with a start time and a suffix of the right form, name a workflow.
      const madeUp = `wf_${(Date.now() - 10_000).toString(36)}_abc123${'0'.repeat(16)}`;
      expect(await answer(await get(`/api/workflows/${madeUp}/status`, ada))).toEqual(unknown);
      // Nor Ada's own, its start moved back to have it done at once: the tag binds the start too.
      const [, start, tail] = /^wf_([0-9a-z]+)_(.+)$/.exec(mine)!;
      const backdated = `wf_${(Number.parseInt(start!, 36) - 10_000).toString(36)}_${tail}`;
      expect(await answer(await get(`/api/workflows/${backdated}/status`, ada))).toEqual(unknown);
    });

    // Half an emoji (text cut mid-character elsewhere, then pasted): JSON.stringify escapes it, and it must come back.
    it('starts a generation for a prompt with a lone surrogate, for one credit, and says it back', async () => {
      const { balance } = (await (await get('/api/credits', ada)).json()) as { balance: number };
      const prompt = 'a ring \ud83d';
      const started = await fetch(api('/api/jewelry/generate'), json({ prompt }, ada));
      expect({ status: started.status, body: (await started.json()) as unknown }).toMatchObject({
        status: 202,
        body: { prompt, credits_remaining: balance - 1 },
      });
      expect(await answer(await get('/api/credits', ada))).toEqual({ status: 200, body: { balance: balance - 1 } });
    });

    // The Generate button is on for what JavaScript's trim() keeps: the backend must take that prompt, and trim it alike.
    it('takes a prompt the Generate button lets through, trimmed as the app trims it', async () => {
      for (const prompt of ['\x1c', '\u0085', ' \x1f a ring \u0085 ']) {
        const started = await fetch(api('/api/jewelry/generate'), json({ prompt }, ada));
        expect({ prompt, status: started.status, body: (await started.json()) as unknown }).toMatchObject({
          prompt,
          status: 202,
          body: { prompt: prompt.trim() },
        });
      }
      // A byte-order mark alone is blank to trim(): the button is off, and a request sent anyway is refused.
      const blank = await fetch(api('/api/jewelry/generate'), json({ prompt: ' \ufeff ' }, ada));
      expect({ status: blank.status, issues: issuesOf(await blank.json()) }).toEqual({
        status: 422,
        issues: [{ loc: ['body', 'prompt'], type: 'value_error' }],
      });
    });

    it('answers a bad generate request with 422, as FastAPI validates it', async () => {
      const cases: [BodyInit, string, unknown][] = [
        ['{}', 'application/json', [{ loc: ['body', 'prompt'], type: 'value_error.missing' }]],
        ['{"prompt": 5}', 'application/json', [{ loc: ['body', 'prompt'], type: 'type_error.str' }]],
        ['{"prompt": "   "}', 'application/json', [{ loc: ['body', 'prompt'], type: 'value_error' }]],
        ['{"prompt": "a ring"}', 'text/plain', [{ loc: ['body'], type: 'type_error.dict' }]],
        ['null', 'application/json', [{ loc: ['body'], type: 'value_error.missing' }]],
      ];
      for (const [body, type, issues] of cases) {
        const response = await fetch(api('/api/jewelry/generate'), {
          method: 'POST',
          headers: { 'content-type': type, authorization: `Bearer ${ada}` },
          body,
        });
        expect({ body, status: response.status, issues: issuesOf(await response.json()) }).toEqual({ body, status: 422, issues });
      }
      const broken = await fetch(api('/api/jewelry/generate'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ada}` },
        body: 'not json',
      });
      expect(broken.status).toBe(422);
      expect(issuesOf(await broken.json()).map((issue) => issue.type)).toEqual(['value_error.jsondecode']);
    });

    it('checks an uploaded image and lists what is wrong with it', async () => {
      const png = (bytes: number, name = 'ring.png') => imageFile(bytes, name);
      expect(await answer(await upload(png(64), ada))).toEqual({
        status: 200,
        body: { valid: true, filename: 'ring.png', content_type: 'image/png', size_bytes: 64, issues: [] },
      });
      const text = await answer(await upload(new File(['hello'], 'notes.txt', { type: 'text/plain' }), ada));
      expect(text.status).toBe(200);
      expect(shapeOf(text.body)).toEqual({
        valid: 'boolean',
        filename: 'string',
        content_type: 'string',
        size_bytes: 'number',
        issues: ['string'],
      });
      expect(text.body).toMatchObject({ valid: false, issues: ['Unsupported type text/plain: use PNG, JPEG or WebP.'] });
      expect((await answer(await upload(png(0), ada))).body).toMatchObject({ valid: false, issues: ['The file is empty.'] });
      for (const type of ['image/jpeg', 'image/webp'] as const)
        expect((await answer(await upload(imageFile(64, 'ring', type), ada))).body, type).toMatchObject({
          valid: true,
          content_type: type,
        });
      // The bytes say what the file is: a WebP the system knows no type for, a JPEG named .png.
      const untyped = new File([await imageFile(64, 'ring.webp', 'image/webp').arrayBuffer()], 'ring.webp', { type: '' });
      expect((await answer(await upload(untyped, ada))).body).toMatchObject({ valid: true, content_type: 'image/webp', issues: [] });
      const misnamed = new File([await imageFile(64, 'ring.png', 'image/jpeg').arrayBuffer()], 'ring.png', { type: 'image/png' });
      expect((await answer(await upload(misnamed, ada))).body).toMatchObject({ valid: true, content_type: 'image/jpeg', issues: [] });
      // The declared type is the client's word: bytes that are no image are refused whatever it says.
      const disguised = await answer(await upload(new File(['<script>alert(1)</script>'], 'ring.png', { type: 'image/png' }), ada));
      expect(disguised).toEqual({
        status: 200,
        body: {
          valid: false,
          filename: 'ring.png',
          content_type: 'image/png',
          size_bytes: 25,
          issues: ['The file is not a PNG, JPEG or WebP image.'],
        },
      });
      const large = await answer(await upload(png(5 * 1024 * 1024 + 1), ada));
      expect(large.body).toMatchObject({ valid: false, size_bytes: 5 * 1024 * 1024 + 1, issues: ['The file is larger than 5 MB.'] });
    });

    it('refuses an upload over 20 MB with 413, before it checks the token', async () => {
      // Bodies are read before the token is checked: without a limit anyone could send gigabytes.
      const form = new FormData();
      form.append('file', new File([new Uint8Array(20 * 1024 * 1024 + 1)], 'huge.png', { type: 'image/png' }));
      const huge = await answer(await fetch(api('/api/images/validate'), { method: 'POST', body: form }));
      expect(huge).toEqual({ status: 413, body: { detail: 'The request is larger than 20 MB.' } });
    });

    it('refuses any other body over 1 MB to the upload route with 413, before it checks the token', async () => {
      // Its 20 MB are for an image's form: 19 MB of urlencoded `&` kept python-multipart 0.0.5 busy for seconds.
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const huge = await answer(
        await fetch(api('/api/images/validate'), { method: 'POST', headers: form, body: '&'.repeat(1024 * 1024 + 1) }),
      );
      expect(huge).toEqual({ status: 413, body: { detail: 'The request is larger than 1 MB.' } });
    });

    it('refuses a JSON body over 1 MB with 413, before it checks the token', async () => {
      const huge = { code: 'x'.repeat(1024 * 1024), state: 's', prompt: 'a ring' };
      const { balance } = (await (await get('/api/credits', ada)).json()) as { balance: number };
      for (const [path, token] of [
        ['/auth/google/callback', undefined],
        ['/api/jewelry/generate', undefined],
        ['/api/jewelry/generate', ada],
      ] as const) {
        const response = await answer(await fetch(api(path), json(huge, token)));
        expect({ path, token, ...response }).toEqual({ path, token, status: 413, body: { detail: 'The request is larger than 1 MB.' } });
      }
      expect(await answer(await get('/api/credits', ada))).toEqual({ status: 200, body: { balance } });
    });

    it('answers an upload without a file with 422', async () => {
      const text = await answer(await upload('just text', ada));
      expect(text.status).toBe(422);
      expect(issuesOf(text.body)).toEqual([{ loc: ['body', 'file'], type: 'value_error' }]);
      const other = new FormData();
      other.append('image', new File(['x'], 'x.png', { type: 'image/png' }));
      const none = await fetch(api('/api/images/validate'), { method: 'POST', headers: { authorization: `Bearer ${ada}` }, body: other });
      expect(issuesOf(await none.json())).toEqual([{ loc: ['body', 'file'], type: 'value_error.missing' }]);
      const asJson = await fetch(api('/api/images/validate'), json({ file: 'x' }, ada));
      expect(asJson.status).toBe(422);
      expect(issuesOf(await asJson.json())).toEqual([{ loc: ['body', 'file'], type: 'value_error.missing' }]);
    });

    it('pages through the batches for an admin, clamping what is out of range', async () => {
      const last = await answer(await get('/api/admin/batches?page=5&page_size=10', ada));
      expect(last).toEqual({ status: 200, body: { items: mockBatches().slice(40), page: 5, page_size: 10, total: 47, pages: 5 } });
      expect((await answer(await get('/api/admin/batches', ada))).body).toMatchObject({ page: 1, page_size: 10, pages: 5 });
      expect((await answer(await get('/api/admin/batches?page=99&page_size=0', ada))).body).toMatchObject({ page: 5, page_size: 10 });
      expect((await answer(await get('/api/admin/batches?page_size=500', ada))).body).toMatchObject({ page_size: 50, pages: 1 });
    });

    it('answers a page that is not an integer with 422, and a member with 403', async () => {
      const bad = await answer(await get('/api/admin/batches?page=two&page_size=', ada));
      expect(bad.status).toBe(422);
      expect(issuesOf(bad.body)).toEqual([
        { loc: ['query', 'page'], type: 'type_error.integer' },
        { loc: ['query', 'page_size'], type: 'type_error.integer' },
      ]);
      const member = await answer(await get('/api/admin/batches?page=1&page_size=10', grace));
      expect(member.status).toBe(403);
      expect(shapeOf(member.body)).toEqual(problem);
    });

    it("keeps each account's credits: what Ada spends is not taken from Grace", async () => {
      const balance = async (token: string) => ((await (await get('/api/credits', token)).json()) as { balance: number }).balance;
      const graceBefore = await balance(grace);
      const adaBefore = await balance(ada);
      expect((await fetch(api('/api/jewelry/generate'), json({ prompt: 'a ring' }, ada))).status).toBe(202);
      expect({ ada: await balance(ada), grace: await balance(grace) }).toEqual({ ada: adaBefore - 1, grace: graceBefore });
    });

    it('answers 402 once the credits are spent', async () => {
      const { balance } = (await (await get('/api/credits', ada)).json()) as { balance: number };
      for (let left = balance; left > 0; left -= 1) {
        const response = await fetch(api('/api/jewelry/generate'), json({ prompt: 'a ring' }, ada));
        expect((await response.json()) as unknown).toMatchObject({ credits_remaining: left - 1 });
      }
      const out = await answer(await fetch(api('/api/jewelry/generate'), json({ prompt: 'a ring' }, ada)));
      expect(out).toEqual({ status: 402, body: { detail: 'Out of credits' } });
      expect(await answer(await get('/api/credits', ada))).toEqual({ status: 200, body: { balance: 0 } });
    });

    it('tells generations started at once each its own remaining credits, and spends no more than there are', async () => {
      const { balance } = (await (await get('/api/credits', grace)).json()) as { balance: number };
      const answers = await Promise.all(
        Array.from({ length: balance + 3 }, async () =>
          answer(await fetch(api('/api/jewelry/generate'), json({ prompt: 'a ring' }, grace))),
        ),
      );
      const remaining = answers.flatMap(({ status, body }) =>
        status === 202 ? [(body as { credits_remaining: number }).credits_remaining] : [],
      );
      expect(remaining.sort((a, b) => a - b)).toEqual(Array.from({ length: balance }, (_, left) => left));
      expect(answers.filter(({ status }) => status === 402)).toHaveLength(3);
      expect(await answer(await get('/api/credits', grace))).toEqual({ status: 200, body: { balance: 0 } });
    });
  });
});

function formWith(file: File): FormData {
  const form = new FormData();
  form.append('file', file);
  return form;
}
