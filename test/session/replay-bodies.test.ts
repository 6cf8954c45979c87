/** @vitest-environment node */
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { BodyNotReplayableError } from '../../src/lib/session/errors.ts';
import { createRequestTemplate } from '../../src/lib/session/request-template.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { track } from '../support/outcomes.ts';

const layer = layerOnFakeBackend();
const { backend } = layer;

function form() {
  const data = new FormData();
  data.append('prompt', 'a silver ring with a small emerald');
  data.append('image', new Blob([new Uint8Array([137, 80, 78, 71, 0, 255])], { type: 'image/png' }), 'ring.png');
  return data;
}

const bodies: Array<[string, () => RequestInit | Request]> = [
  ['a string', () => ({ method: 'POST', body: 'plain text ✓' })],
  ['JSON', () => ({ method: 'PUT', body: JSON.stringify({ prompt: 'ring', size: 7 }), headers: { 'content-type': 'application/json' } })],
  ['URLSearchParams', () => ({ method: 'POST', body: new URLSearchParams({ q: 'gold & silver', page: '2' }) })],
  ['a Blob', () => ({ method: 'POST', body: new Blob(['blob-bytes'], { type: 'application/octet-stream' }) })],
  ['an ArrayBuffer', () => ({ method: 'POST', body: new Uint8Array([0, 1, 2, 250, 251]).buffer })],
  ['FormData', () => ({ method: 'POST', body: form() })],
  [
    'a Request with a body',
    () => new Request(`${API}/api/echo`, { method: 'PATCH', body: 'from a Request', headers: { 'x-custom': 'kept' } }),
  ],
];

describe('expired: held until reconnect, then replayed byte-identical', () => {
  it.each(bodies)('replays %s with its method, URL, headers and bytes', async (_name, make) => {
    const h = layer.session();
    h.expire();
    const made = make();
    const pending =
      made instanceof Request
        ? h.client.authFetch(made)
        : h.client.authFetch(`${API}/api/echo?x=1`, { ...made, headers: { 'x-custom': 'kept', ...(made.headers as object) } });
    const call = track(pending);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    expect(call.settled).toBe(false);
    expect(h.reauthenticate).not.toHaveBeenCalled();

    h.client.reconnect();
    expect(h.client.actor.getSnapshot().matches('reauthenticating')).toBe(true);
    await waitFor(h.client.actor, (s) => s.matches('active'));
    expect((await pending).status).toBe(200);
    expect(h.reauthenticate).toHaveBeenCalledTimes(1);
    expect(h.setToken).toHaveBeenCalledWith('t2');

    const [first, replay] = backend.apiRequests().filter((r) => r.url.startsWith('/api/echo'));
    expect(backend.apiRequests()).toHaveLength(2);
    expect(first!.authorization).toBe('Bearer t1');
    expect(replay!.authorization).toBe('Bearer t2');
    expect(replay!.method).toBe(first!.method);
    expect(replay!.url).toBe(first!.url);
    expect(replay!.contentType).toBe(first!.contentType);
    expect(Buffer.from(replay!.body).equals(Buffer.from(first!.body))).toBe(true);
    expect(first!.body.length).toBeGreaterThan(0);
  });

  it('rejects a stream body that must be replayed with BodyNotReplayableError, never an empty resend', async () => {
    const h = layer.session();
    h.expire();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed once'));
        controller.close();
      },
    });
    const call = h.client.authFetch(`${API}/api/upload`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyNotReplayableError);
    expect((error as Error).message).toMatch(/POST https:\/\/api\.test\/api\/upload/);
    expect(backend.apiRequests('/api/upload')).toHaveLength(1);
  });
});

describe('made while the session holds: sent once let go, with its bytes', () => {
  it.each(bodies)('sends %s made during the sign-in with the new token', async (_name, make) => {
    const h = layer.session();
    h.expire();
    void h.client.authFetch(`${API}/api/credits`);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    const made = make();
    const expected = made instanceof Request ? await made.clone().arrayBuffer() : await new Request(API, made).arrayBuffer();
    const pending = made instanceof Request ? h.client.authFetch(made) : h.client.authFetch(`${API}/api/echo`, made);
    await waitFor(h.client.actor, (s) => s.context.queue.length === 2);

    h.client.reconnect();
    expect((await pending).status).toBe(200);
    const sent = backend.apiRequests().filter((r) => r.url === '/api/echo');
    expect(sent.map((r) => r.authorization)).toEqual(['Bearer t2']);
    const [body, asMade] = [Buffer.from(sent[0]!.body).toString('latin1'), Buffer.from(expected).toString('latin1')];
    // A multipart body's boundary is drawn anew each time one is built: its parts are what must arrive.
    if (!(made instanceof Request) && made.body instanceof FormData) expect(body).toContain('a silver ring with a small emerald');
    else expect(body).toBe(asMade);
  });
});

describe("the caller's objects", () => {
  it('are never changed, and changing them after the call does not change the replay', async () => {
    const h = layer.session();
    h.expire();
    const headers = new Headers({ 'x-custom': 'kept' });
    const params = new URLSearchParams({ q: 'gold' });
    const init: RequestInit = { method: 'POST', headers, body: params };
    const pending = h.client.authFetch(`${API}/api/echo`, init);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    headers.set('x-custom', 'changed');
    params.set('q', 'changed');
    h.client.reconnect();
    expect((await pending).status).toBe(200);

    const [first, replay] = backend.apiRequests('/api/echo');
    expect(Buffer.from(replay!.body).toString()).toBe('q=gold');
    expect(replay!.body).toEqual(first!.body);
    expect(headers.has('authorization')).toBe(false);
    expect(init.headers).toBe(headers);
  });

  it("a string body with the caller's plain headers object: the object is left without a token", async () => {
    const h = layer.session();
    const headers = { 'content-type': 'application/json' };
    const response = await h.client.authFetch(`${API}/api/echo`, { method: 'POST', headers, body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(backend.apiRequests('/api/echo')[0]!.authorization).toBe('Bearer t1');
    expect(headers).toEqual({ 'content-type': 'application/json' });
  });
});

// fetch reads its init as a dictionary: inherited options and getters count, as they do for a Request given as init.
describe('an init that is no plain object', () => {
  it.each<[string, () => RequestInit]>([
    ['whose options are inherited', () => Object.create({ method: 'DELETE', headers: { 'x-custom': 'kept' } })],
    ['that is a Request', () => new Request(`${API}/api/elsewhere`, { method: 'DELETE', headers: { 'x-custom': 'kept' } })],
  ])('%s: sent and replayed as fetch sends it', async (_name, init) => {
    const h = layer.session();
    h.expire();
    const pending = h.client.authFetch(`${API}/api/echo`, init());
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    expect((await pending).status).toBe(200);
    expect(backend.apiRequests('/api/echo').map((r) => [r.method, r.authorization])).toEqual([
      ['DELETE', 'Bearer t1'],
      ['DELETE', 'Bearer t2'],
    ]);
  });

  it('whose method is inherited and whose body is its own, made while the session holds: held, then sent as fetch sends it', async () => {
    const h = layer.session();
    h.expire();
    const first = h.client.authFetch(`${API}/api/credits`);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    const init: RequestInit = Object.assign(Object.create({ method: 'POST' }), { body: 'ring' });
    const pending = h.client.authFetch(`${API}/api/echo`, init);
    h.client.reconnect();
    expect((await pending).status).toBe(200);
    expect((await first).status).toBe(200);
    expect(backend.apiRequests('/api/echo').map((r) => [r.method, r.authorization, Buffer.from(r.body).toString()])).toEqual([
      ['POST', 'Bearer t2', 'ring'],
    ]);
  });
});

// Some libraries build their options with Object.create(null): all of it is the init's own, so it goes as it was given.
describe('an init with no prototype', () => {
  it("keeps the options only fetch reads (as Next.js's `next`), on the send and on the replay", async () => {
    const seen: unknown[] = [];
    const h = layer.session({
      fetch: (input, init) => {
        seen.push((init as { next?: unknown } | undefined)?.next);
        return fetch(input, init);
      },
    });
    h.expire();
    const init = Object.assign(Object.create(null) as RequestInit, { method: 'POST', body: 'ring', next: { revalidate: 60 } });
    const pending = h.client.authFetch(`${API}/api/echo`, init);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    expect((await pending).status).toBe(200);
    expect(seen).toEqual([{ revalidate: 60 }, { revalidate: 60 }]);
    expect(backend.apiRequests('/api/echo').map((r) => [r.method, Buffer.from(r.body).toString()])).toEqual([
      ['POST', 'ring'],
      ['POST', 'ring'],
    ]);
  });
});

// fetch(request, init) forgets the request's referrer when init is given: the page's URL would go as Referer.
describe("the caller's referrer options", () => {
  it.each<[string, (url: string, options: RequestInit) => [RequestInfo, RequestInit?]]>([
    ['a FormData body', (url, options) => [url, { ...options, method: 'POST', body: form() }]],
    ['an ArrayBuffer body', (url, options) => [url, { ...options, method: 'POST', body: new Uint8Array([1, 2, 3]) }]],
    ['a Request', (url, options) => [new Request(url, { ...options, method: 'POST', body: 'ring' })]],
  ])('go with %s, on the send and on the replay', async (_name, call) => {
    const seen: Array<[string, string]> = [];
    layer.server.use(
      http.all(`${API}/api/echo`, ({ request }) => {
        seen.push([request.referrer, request.referrerPolicy]);
      }),
    );
    const h = layer.session();
    h.expire();
    const pending = h.client.authFetch(...call(`${API}/api/echo`, { referrer: '', referrerPolicy: 'same-origin' }));
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    expect((await pending).status).toBe(200);
    expect(seen).toEqual([
      ['', 'same-origin'],
      ['', 'same-origin'],
    ]);
  });
});

describe('held calls are copied at the call', () => {
  it('a reused init object and a reused URL object do not change what the held calls send', async () => {
    const h = layer.session();
    h.expire();
    const init: RequestInit & { body?: string } = { method: 'POST', headers: { 'x-item': 'a' } };
    const url = new URL(`${API}/api/echo?page=1`);
    const pending: Promise<Response>[] = [];
    for (const item of ['a', 'b', 'c']) {
      init.body = item;
      init.headers = { 'x-item': item };
      url.searchParams.set('page', item);
      pending.push(h.client.authFetch(url, init));
    }
    url.href = 'https://elsewhere.test/collect';
    await waitFor(h.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 3);
    h.client.reconnect();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([200, 200, 200]);
    const replays = backend.apiRequests().filter((r) => r.authorization === 'Bearer t2');
    expect(replays.map((r) => [r.url, Buffer.from(r.body).toString()]).sort()).toEqual([
      ['/api/echo?page=a', 'a'],
      ['/api/echo?page=b', 'b'],
      ['/api/echo?page=c', 'c'],
    ]);
  });
});

describe('the request template', () => {
  it('names a call made with no method GET, as fetch sends it', () => {
    expect(createRequestTemplate(`${API}/api/a`, undefined, 'ada').method).toBe('GET');
    expect(createRequestTemplate(`${API}/api/a`, { headers: { accept: 'text/plain' } }, 'ada').method).toBe('GET');
  });

  it("sends no Authorization header when there is no token, and keeps the caller's own in any case", () => {
    const [, bare] = createRequestTemplate(`${API}/api/a`, undefined, 'ada').next(null);
    expect(new Headers(bare?.headers).has('authorization')).toBe(false);
    const own = createRequestTemplate(`${API}/api/a`, { headers: { Authorization: 'Basic b3du' } }, 'ada');
    expect(new Headers(own.next('t1')[1]?.headers).get('authorization')).toBe('Basic b3du');
    expect(new Headers(own.next(null)[1]?.headers).get('authorization')).toBe('Basic b3du');
  });
});
