/** @vitest-environment node */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { AuthExpiredError } from '../../src/lib/session/errors.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

/** One 401 the server sent: its body is left open, as a slow or streaming answer's is, until the client lets it go. */
interface Refusal {
  path: string;
  /** Resolves when the client closed the connection the 401's body was coming on. */
  released: Promise<void>;
  isReleased: () => boolean;
}

/** A real HTTP server: `Bearer good` is answered 200 with JSON, any other token 401 with a body that never ends. */
function refusingServer() {
  const refusals: Refusal[] = [];
  /** Requests to `/slow/…` wait for the test's word, so that the session can change while they are out. */
  const waiting: Array<() => void> = [];
  const refuse = (path: string, res: ServerResponse) => {
    let released = false;
    const closed = new Promise<void>((resolve) => res.on('close', resolve)).then(() => void (released = true));
    refusals.push({ path, released: closed, isReleased: () => released });
    res.writeHead(401, { 'content-type': 'application/json' });
    // The first bytes of a body that does not end: only the client closing the connection lets it go.
    res.write('{"detail":"Not authenticated"');
  };
  const http = createServer((req, res) => {
    const answer = () => {
      if (req.headers.authorization !== 'Bearer good') return refuse(req.url!, res);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
    };
    // Within the origin, as a moved route's is: its 401 is still the session's.
    if (req.url!.startsWith('/moved/')) res.writeHead(302, { location: req.url!.replace('/moved/', '/api/') }).end();
    else if (req.url!.startsWith('/slow/')) waiting.push(answer);
    else answer();
  });
  return { http, refusals, waiting, origin: '' };
}

const server = refusingServer();
beforeAll(
  () =>
    new Promise<void>((resolve) =>
      server.http.listen(0, '127.0.0.1', () => {
        server.origin = `http://127.0.0.1:${(server.http.address() as AddressInfo).port}`;
        resolve();
      }),
    ),
);
afterEach(() => {
  server.refusals.length = 0;
  server.waiting.length = 0;
});
afterAll(() => {
  // The 401s a failing test left open, and the client's kept-alive connections.
  server.http.closeAllConnections();
  return new Promise<void>((resolve) => server.http.close(() => resolve()));
});
const stops = stoppedAfterEach();

/** A session on the server whose token the backend refuses; Reconnect signs in as `good`. */
function expiredSession(fetch?: typeof globalThis.fetch) {
  let token: string | null = 'old';
  const client = createAuthFetch({
    fetch,
    getToken: () => token,
    setToken: (next) => void (token = next),
    validate: async ({ token: asked }) => asked === 'good',
    reauthenticate: async () => 'good',
    allowedOrigins: [server.origin],
  });
  stops.push(client.stop);
  return { client, setToken: (next: string | null) => void (token = next) };
}

/** Waits until the server has sent `count` 401s. */
const refusals = (count: number) => vi.waitFor(() => expect(server.refusals).toHaveLength(count));

describe('answers the session drops', () => {
  it("lets go of a held call's 401 at once, and the caller still gets the replay's answer", async () => {
    const { client } = expiredSession();
    const call = client.authFetch(`${server.origin}/api/credits`);
    call.catch(() => {}); // awaited below, once the test has looked at the 401
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }) && s.context.queue.length === 1);
    await refusals(1);
    // Held for the user's Reconnect, maybe for minutes: the 401's connection is not kept all that while.
    await vi.waitFor(() => expect(server.refusals[0]!.isReleased()).toBe(true));
    client.reconnect();
    const response = await call;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/api/credits' });
  });

  it('lets go of the 401 of a held call that is then given up, which rejects as it did', async () => {
    const { client } = expiredSession();
    const call = client.authFetch(`${server.origin}/api/credits`).catch((error: unknown) => error);
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    await refusals(1);
    await vi.waitFor(() => expect(server.refusals[0]!.isReleased()).toBe(true));
    client.endSession();
    const outcome = await call;
    expect(outcome).toBeInstanceOf(AuthExpiredError);
    expect((outcome as AuthExpiredError).reason).toBe('signed-out');
  });

  it('lets go of a 401 that came after the user signed out, and the call rejects as not sent again', async () => {
    const { client } = expiredSession();
    const call = client.authFetch(`${server.origin}/slow/credits`).catch((error: unknown) => error);
    await vi.waitFor(() => expect(server.waiting).toHaveLength(1));
    client.endSession();
    server.waiting[0]!();
    const outcome = await call;
    expect(outcome).toBeInstanceOf(AuthExpiredError);
    expect((outcome as AuthExpiredError).reason).toBe('signed-out');
    await vi.waitFor(() => expect(server.refusals[0]!.isReleased()).toBe(true));
  });

  it('lets go of a 401 to a token replaced while it was out, and the caller gets the answer to the new one', async () => {
    const { client, setToken } = expiredSession();
    const call = client.authFetch(`${server.origin}/slow/credits`);
    await vi.waitFor(() => expect(server.waiting).toHaveLength(1));
    // Another tab signed in meanwhile: the call goes again at once with the new token.
    setToken('good');
    server.waiting[0]!();
    await vi.waitFor(() => expect(server.waiting).toHaveLength(2));
    server.waiting[1]!();
    const response = await call;
    expect(await response.json()).toEqual({ path: '/slow/credits' });
    await vi.waitFor(() => expect(server.refusals[0]!.isReleased()).toBe(true));
  });

  it('lets go of a redirected 401 once the call goes again with the new token', async () => {
    const { client } = expiredSession();
    const call = client.authFetch(`${server.origin}/moved/credits`);
    call.catch(() => {}); // awaited below
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }) && s.context.queue.length === 1);
    client.reconnect();
    const response = await call;
    expect(await response.json()).toEqual({ path: '/api/credits' });
    await vi.waitFor(() => expect(server.refusals[0]!.isReleased()).toBe(true));
  });

  it('lets go of a redirected 401 held when the session stops', async () => {
    const { client } = expiredSession();
    const call = client.authFetch(`${server.origin}/moved/credits`).catch((error: unknown) => error);
    await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }) && s.context.queue.length === 1);
    client.stop();
    expect(await call).toBeInstanceOf(AuthExpiredError);
    await vi.waitFor(() => expect(server.refusals[0]!.isReleased()).toBe(true));
  });

  // node-fetch's answers, for one: `body` is a Node stream, which has no cancel().
  it('answers a held call as before when its fetch gives bodies that are Node streams', async () => {
    const nodeStreamBodies: typeof globalThis.fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      // An unread 401's stream errors when the server closes: heard, as node-fetch hears its own.
      const body = response.body && Readable.fromWeb(response.body as WebReadableStream).on('error', () => {});
      return Object.defineProperty(response, 'body', { value: body });
    };
    const { client } = expiredSession(nodeStreamBodies);
    let outcome: unknown;
    const call = client.authFetch(`${server.origin}/api/credits`).then(
      (response) => void (outcome = response),
      (error: unknown) => void (outcome = error),
    );
    await vi.waitFor(() => expect(outcome !== undefined || client.actor.getSnapshot().matches('needsReauth')).toBe(true));
    client.reconnect();
    await call;
    expect(outcome).toBeInstanceOf(Response);
    // Read as node-fetch's caller would: from the stream.
    const read = Buffer.concat(await ((outcome as Response).body as unknown as Readable).toArray());
    expect(JSON.parse(read.toString())).toEqual({ path: '/api/credits' });
  });
});
