import { expect } from 'vitest';
import { waitFor, type SnapshotFrom } from 'xstate';
import type { sessionMachine } from '../../machines/session.machine.ts';
import { PopupClosedError } from '../../src/lib/auth-errors.ts';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { API, type FakeBackend } from '../support/fake-backend.ts';
import type { ModelEvent } from './session-model.ts';

type Snapshot = SnapshotFrom<typeof sessionMachine>;
interface Deferred<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}
interface Call {
  path: string;
  controller: AbortController;
  promise: Promise<Response>;
  outcome: { settled: boolean; status?: number; error?: unknown };
  open?: (status?: number) => void;
}

const timeout = 2_000;

/**
 * The real system under the model: createAuthFetch against the msw backend,
 * with validate and the popup held open by the test so that each model event
 * is caused exactly when the path says.
 */
export function createRealSession(backend: FakeBackend) {
  const store = { token: 't1', minted: 1 };
  const validations: Array<Deferred<boolean>> = [];
  const reauths: Array<Deferred<string>> = [];
  const calls: Call[] = [];
  const pool: Call[] = [];
  const client = createAuthFetch({
    getToken: () => store.token,
    setToken: (token) => (store.token = token),
    validate: () => new Promise<boolean>((resolve, reject) => validations.push({ resolve, reject })),
    reauthenticate: () => new Promise<string>((resolve, reject) => reauths.push({ resolve, reject })),
    allowedOrigins: [API],
  });
  const queueLength = () => client.actor.getSnapshot().context.queue.length;
  const untilQueue = (n: number) => waitFor(client.actor, (s) => s.context.queue.length === n, { timeout });

  function call(gated: boolean): Call {
    const path = `/api/call-${calls.length + 1}`;
    const controller = new AbortController();
    const gate = gated ? backend.gate(path) : undefined;
    const headers: Record<string, string> = gated ? { 'x-gate': path } : {};
    const promise = client.authFetch(`${API}${path}`, { headers, signal: controller.signal });
    const made: Call = { path, controller, promise, outcome: { settled: false }, open: gate?.open };
    promise.then(
      (r) => Object.assign(made.outcome, { settled: true, status: r.status }),
      (error: unknown) => Object.assign(made.outcome, { settled: true, error }),
    );
    calls.push(made);
    return Object.assign(made, { reached: gate?.reached });
  }

  function mint() {
    const token = `t${++store.minted}`;
    backend.valid.add(token);
    return token;
  }

  /** Requests sent now with the current token, answered 401 later: the only way a 401 can arrive while held. */
  async function launchInFlight(count: number) {
    const launched = Array.from({ length: count }, () => call(true) as Call & { reached: Promise<void> });
    await Promise.all(launched.map((c) => c.reached));
    pool.push(...launched);
  }

  async function cause(event: ModelEvent) {
    const before = queueLength();
    switch (event.type) {
      case 'request.unauthorized': {
        // In active a fresh request meets the 401; while held, only one already out can.
        const made = client.actor.getSnapshot().value === 'active' ? (call(true) as Call & { reached: Promise<void> }) : pool.shift()!;
        if ('reached' in made && made.reached) await made.reached;
        made.open!(401);
        return void (await untilQueue(before + 1));
      }
      case 'request.held':
        call(false);
        return void (await untilQueue(before + 1));
      case 'request.aborted': {
        const url = client.actor.getSnapshot().context.queue[0]!.url;
        const target = calls.find((c) => `${API}${c.path}` === url)!;
        target.controller.abort();
        await target.promise.catch(() => {});
        return void (await untilQueue(before - 1));
      }
      case 'reauth.requested':
        return client.reconnect();
      case 'token.adopted':
        return client.adoptToken(mint());
      case 'xstate.done.actor.validateSession':
        return validations.at(-1)!.resolve(event.output);
      case 'xstate.error.actor.validateSession':
        return validations.at(-1)!.reject(new TypeError('Failed to fetch'));
      case 'xstate.done.actor.reauthenticate':
        return reauths.at(-1)!.resolve(mint());
      case 'xstate.error.actor.reauthenticate':
        return reauths.at(-1)!.reject(new PopupClosedError());
    }
  }

  /** What a caller would observe in the state the model is in. */
  async function expectToMatch(model: Snapshot, expected: { validations: number; reauths: number }) {
    const real = await waitFor(client.actor, (s) => s.value === model.value, { timeout });
    expect(real.context.queue).toHaveLength(model.context.queue.length);
    expect(validations).toHaveLength(expected.validations);
    expect(reauths).toHaveLength(expected.reauths);
    const out = calls.filter((c) => !pool.includes(c) && !c.controller.signal.aborted);
    if (model.value === 'active') {
      const responses = await Promise.all(out.map((c) => c.promise));
      expect(responses.map((r) => r.status)).toEqual(out.map(() => 200));
    } else {
      const held = new Set(real.context.queue.map((r) => r.url));
      for (const c of out.filter((c) => held.has(`${API}${c.path}`))) expect(c.outcome.settled).toBe(false);
      for (const r of real.context.queue.filter((r) => r.reason === 'unsent')) {
        expect(backend.apiRequests(new URL(r.url).pathname)).toHaveLength(0);
      }
    }
    for (const c of calls) {
      const sends = backend.apiRequests(c.path);
      expect(sends.length).toBeLessThanOrEqual(2);
      if (c.outcome.status === 200) expect(sends.at(-1)!.authorization).toBe(`Bearer ${store.token}`);
    }
  }

  return { client, cause, launchInFlight, expectToMatch, stop: () => client.stop() };
}
