/** @vitest-environment node */
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { API, handAnsweredSession, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { callOutcome, track } from '../support/outcomes.ts';

describe('a burst of 401s', () => {
  const layer = layerOnFakeBackend();
  const { backend, server } = layer;

  it('validates once however many requests fail at once, and holds new ones', async () => {
    const { client, validate, expire } = layer.session();
    expire();
    const calls = Array.from({ length: 20 }, (_, i) => track(client.authFetch(`${API}/api/item/${i}`)));
    await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 20);
    expect(validate).toHaveBeenCalledTimes(1);
    const sentBefore = backend.apiRequests().length;
    const late = track(client.authFetch(`${API}/api/late`));
    await waitFor(client.actor, (s) => s.context.queue.length === 21);
    expect(backend.apiRequests().length).toBe(sentBefore);
    expect([...calls, late].some((c) => c.settled)).toBe(false);
  });

  it('holds new requests while validating, without sending them', async () => {
    const { client, control } = layer.session();
    let finish!: (valid: boolean) => void;
    control.validateOutcome = new Promise<never>((resolve) => (finish = resolve as never));
    server.use(http.get(`${API}/api/once`, () => HttpResponse.json({}, { status: 401 }), { once: true }));
    const first = client.authFetch(`${API}/api/once`);
    await waitFor(client.actor, (s) => s.matches('validating'));
    const second = client.authFetch(`${API}/api/credits`);
    await waitFor(client.actor, (s) => s.context.queue.length === 2);
    expect(backend.apiRequests('/api/credits')).toHaveLength(0);
    finish(true);
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(backend.apiRequests('/api/credits')).toHaveLength(1);
  });
});

/** Microtasks only, so that the chart's next turn (a timer) cannot come in between. */
async function microtasks() {
  for (let turn = 0; turn < 20; turn++) await Promise.resolve();
}

/** Two calls answered 401 one after the other: the second is held, and the chart not told of it yet. */
async function secondHeldNotYetTold() {
  const w = handAnsweredSession();
  const first = w.client.authFetch(`${API}/api/first`);
  const second = w.client.authFetch(`${API}/api/second`);
  w.sendsTo('/api/first')[0]!.answer(401);
  await waitFor(w.client.actor, (s) => s.matches('validating'));
  w.sendsTo('/api/second')[0]!.answer(401);
  await microtasks();
  expect(w.client.actor.getSnapshot().context.queue.map((request) => request.url)).toEqual([`${API}/api/first`]);
  return { ...w, first, second };
}

// Calls held while the session already holds reach the chart together a turn later, held all the same meanwhile.
describe('holds told to the chart together', () => {
  it('a storm of 401s answered at once is two chart events, not one per call, and every call is replayed once', async () => {
    const { client, sends, validations } = handAnsweredSession();
    const events: string[] = [];
    client.actor.subscribe((snapshot) => events.push(`${JSON.stringify(snapshot.value)} holding ${snapshot.context.queue.length}`));
    const calls = Array.from({ length: 50 }, (_, i) => client.authFetch(`${API}/api/job-${i}`));
    await vi.waitUntil(() => sends.length === 50);
    for (const send of sends) send.answer(401);

    const held = await waitFor(client.actor, (s) => s.context.queue.length === 50);
    expect(held.value).toEqual({ validating: 'checking' });
    expect(events).toEqual(['{"validating":"checking"} holding 1', '{"validating":"checking"} holding 50']);
    expect(held.context.queue.map((request) => request.reason)).toEqual(calls.map(() => 'unauthorized'));

    validations[0]!(true);
    await vi.waitUntil(() => sends.length === 100);
    for (const send of sends.slice(50)) send.answer(200);
    expect(await Promise.all(calls.map(callOutcome))).toEqual(calls.map(() => 'answered 200'));
    expect(validations).toHaveLength(1);
    client.stop();
  });

  describe('a held call not yet told (acted on before the chart’s next turn)', () => {
    it('goes with the queue when the validation answers first: no second validation', async () => {
      const { client, sends, sendsTo, validations, first, second } = await secondHeldNotYetTold();
      validations[0]!(true);
      await microtasks();
      expect(sends).toHaveLength(4);
      for (const send of sends.slice(2)) send.answer(200);
      expect([await callOutcome(first), await callOutcome(second)]).toEqual(['answered 200', 'answered 200']);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(client.actor.getSnapshot().matches('active')).toBe(true);
      expect(client.actor.getSnapshot().context.queue).toEqual([]);
      expect(validations).toHaveLength(1);
      expect(sendsTo('/api/second').map((send) => send.authorization)).toEqual(['Bearer alice-token', 'Bearer alice-token']);
      client.stop();
    });

    it('is given up at sign-out with the rest, and never sent again', async () => {
      const { client, sendsTo, signOut, first, second } = await secondHeldNotYetTold();
      signOut();
      expect([await callOutcome(first), await callOutcome(second)]).toEqual(['AuthExpiredError', 'AuthExpiredError']);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(client.actor.getSnapshot().matches('active')).toBe(true);
      expect(client.actor.getSnapshot().context.queue).toEqual([]);
      expect(sendsTo('/api/second')).toHaveLength(1);
      client.stop();
    });

    it('is given up by stop(), like every held call', async () => {
      const { client, sendsTo, first, second } = await secondHeldNotYetTold();
      client.stop();
      expect([await callOutcome(first), await callOutcome(second)]).toEqual(['AuthExpiredError', 'AuthExpiredError']);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(sendsTo('/api/second')).toHaveLength(1);
    });

    it('is given up with the queue when sign-in has failed too often, and never sent', async () => {
      const { client, sendsTo, validations } = handAnsweredSession({
        limits: { reauthAttempts: 1 },
        reauthenticate: async () => {
          throw new Error('The sign-in window was closed.');
        },
      });
      const first = client.authFetch(`${API}/api/first`);
      sendsTo('/api/first')[0]!.answer(401);
      await waitFor(client.actor, (s) => s.matches('validating'));
      validations[0]!(false);
      await waitFor(client.actor, (s) => s.matches('needsReauth'));
      const untold = client.authFetch(`${API}/api/untold`);
      expect(client.actor.getSnapshot().context.queue).toHaveLength(1);

      client.reconnect();
      expect([await callOutcome(first), await callOutcome(untold)]).toEqual(['AuthExpiredError', 'AuthExpiredError']);
      expect(client.actor.getSnapshot().matches({ needsReauth: 'coolingDown' })).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(client.actor.getSnapshot().context.queue).toEqual([]);
      expect(sendsTo('/api/untold')).toEqual([]);
      client.stop();
    });

    it('that is aborted rejects with its AbortError, is never sent, and never reaches the queue', async () => {
      const { client, sendsTo } = handAnsweredSession();
      const controller = new AbortController();
      client.authFetch(`${API}/api/first`).catch(() => {});
      sendsTo('/api/first')[0]!.answer(401);
      await waitFor(client.actor, (s) => s.matches('validating'));
      const aborted = client.authFetch(`${API}/api/aborted`, { signal: controller.signal });
      const other = client.authFetch(`${API}/api/other`);
      expect(client.actor.getSnapshot().context.queue).toHaveLength(1);

      controller.abort();
      expect(await callOutcome(aborted)).toMatch(/AbortError/);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(client.actor.getSnapshot().context.queue.map((request) => request.url)).toEqual([`${API}/api/first`, `${API}/api/other`]);
      expect(sendsTo('/api/aborted')).toEqual([]);
      expect(await callOutcome(other)).toBe('still pending');
      client.stop();
      expect(await callOutcome(other)).toBe('AuthExpiredError');
    });
  });
});

// The chart's queue is the picture a dev panel shows: each held call says whether it was sent yet.
describe('why each held call waits', () => {
  function world() {
    let token = 'alice-token';
    const answers = new Map<string, (response: Response) => void>();
    const client = createAuthFetch({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate: () => new Promise<boolean>(() => {}),
      reauthenticate: async () => 'never-used',
      allowedOrigins: [API],
      fetch: (input) => new Promise<Response>((resolve) => answers.set(new URL(String(input)).pathname, resolve)),
    });
    const reasons = () => client.actor.getSnapshot().context.queue.map((request) => `${new URL(request.url).pathname} ${request.reason}`);
    return { client, answers, reasons, storeElsewhere: (next: string) => void (token = next) };
  }

  it('says unauthorized for 401s, a token changed meanwhile or not, and unsent for a call made while the session holds', async () => {
    const { client, answers, reasons, storeElsewhere } = world();
    const out = client.authFetch(`${API}/api/out`);
    const first = client.authFetch(`${API}/api/first`);
    answers.get('/api/first')!(new Response('{}', { status: 401 }));
    await waitFor(client.actor, (s) => s.matches('validating'));
    const later = client.authFetch(`${API}/api/later`);
    // Another tab stored a new token; its message has not come yet. The call out with the old one is answered 401.
    storeElsewhere('alice-token-2');
    answers.get('/api/out')!(new Response('{}', { status: 401 }));
    await waitFor(client.actor, (s) => s.context.queue.length === 3);
    expect(reasons()).toEqual(['/api/first unauthorized', '/api/later unsent', '/api/out unauthorized']);
    client.stop();
    await Promise.allSettled([out, first, later]);
  });

  it('says unauthorized for a 401 that came through a redirect within the allowed origin', async () => {
    const { client, answers, reasons } = world();
    const call = client.authFetch(`${API}/api/moved`);
    const response = new Response('{}', { status: 401 });
    Object.defineProperties(response, { redirected: { value: true }, url: { value: `${API}/api/landed` } });
    answers.get('/api/moved')!(response);
    await waitFor(client.actor, (s) => s.context.queue.length === 1);
    expect(reasons()).toEqual(['/api/moved unauthorized']);
    client.stop();
    await Promise.allSettled([call]);
  });
});
