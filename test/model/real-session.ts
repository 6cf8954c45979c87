import { expect } from 'vitest';
import { SimulatedClock, waitFor, type SnapshotFrom } from 'xstate';
import type { sessionMachine } from '../../machines/session.machine.ts';
import { AuthExpiredError, PopupClosedError } from '../../src/lib/session/errors.ts';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { API, type FakeBackend } from '../support/fake-backend.ts';
import { heldReason, modelLimits, type ModelEvent, type ModelKind } from './session-model.ts';

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
const sameValue = (a: Snapshot, b: Snapshot) => JSON.stringify(a.value) === JSON.stringify(b.value);

const lifetimeMs = 60 * 60 * 1000;
const leadMs = 60_000;

/** A JWT, unique by `n`, that expires `lifetimeMs` after `nowMs` on the session's (simulated) clock. */
function jwt(n: number, nowMs: number): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub: 'ada', n, exp: (nowMs + lifetimeMs) / 1000 })}.sig`;
}

/**
 * The real system under the model: createAuthFetch against the msw backend,
 * with validate and the popup held open by the test so that each model event
 * is caused exactly when the path says.
 */
export function createRealSession(backend: FakeBackend, kind: ModelKind) {
  const clock = new SimulatedClock();
  const store = { token: jwt(1, 0), minted: 1 };
  backend.valid.add(store.token);
  const validations: Array<Deferred<boolean>> = [];
  const reauths: Array<Deferred<string>> = [];
  const calls: Call[] = [];
  const pool: Call[] = [];
  const givenUp = new Set<Call>();
  const client = createAuthFetch({
    limits: modelLimits[kind],
    clock,
    expiryLeadMs: leadMs,
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
    const token = jwt(++store.minted, clock.now());
    backend.valid.add(token);
    return token;
  }

  /**
   * Before a step leaves `active`: requests sent now with the current token,
   * answered 401 later, are the only way a 401 can arrive while held. A step
   * that holds a request in `active` needs a token about to expire: a fresh
   * one now, expiring (by the clock) when the step runs.
   */
  async function beforeLeavingActive(event: ModelEvent, count: number) {
    if (heldReason(event) === 'unsent') store.token = mint();
    const launched = Array.from({ length: count }, () => call(true) as Call & { reached: Promise<void> });
    await Promise.all(launched.map((c) => c.reached));
    pool.push(...launched);
  }

  async function cause(event: ModelEvent) {
    const before = queueLength();
    switch (event.type) {
      case 'request.held': {
        if (heldReason(event) === 'unsent') {
          // In active a request is held only when its token is known to be expiring: let the clock get there.
          if (client.actor.getSnapshot().value === 'active') clock.increment(lifetimeMs - leadMs);
          call(false);
        } else {
          // In active a fresh request meets the 401; while held, only one already out can.
          const made = client.actor.getSnapshot().value === 'active' ? (call(true) as Call & { reached: Promise<void> }) : pool.shift()!;
          if ('reached' in made && made.reached) await made.reached;
          made.open!(401);
        }
        // While the session holds, a hold reaches the chart a turn later: wait for it there.
        return void (await untilQueue(before + 1));
      }
      case 'request.aborted': {
        const url = client.actor.getSnapshot().context.queue[0]!.url;
        const target = calls.find((c) => `${API}${c.path}` === url)!;
        target.controller.abort();
        await target.promise.catch(() => {});
        return void (await untilQueue(before - 1));
      }
      case 'reauth.requested':
        return client.reconnect();
      // The browser's and the other tabs' signals, as their adapters deliver them.
      case 'network.online':
      case 'token.expiring':
      case 'reauth.startedElsewhere':
      case 'reauth.endedElsewhere':
        return client.actor.send({ type: event.type });
      case 'xstate.after.validationBackoff.session.validating.offline':
        return clock.increment(modelLimits[kind].validationBackoffMs * 2 ** modelLimits[kind].validationRetries);
      case 'xstate.after.reauthCooldown.session.needsReauth.coolingDown':
        return clock.increment(modelLimits[kind].reauthCooldownMs);
      case 'token.adopted':
        return client.adoptToken(mint());
      case 'session.ended': {
        // The app signs the user out: every held caller is told at once, with AuthExpiredError.
        const held = calls.filter((c) => client.actor.getSnapshot().context.queue.some((r) => r.url === `${API}${c.path}`));
        client.endSession();
        for (const c of held) {
          await expect(c.promise).rejects.toBeInstanceOf(AuthExpiredError);
          givenUp.add(c);
        }
        return;
      }
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
    expect(client.actor.getSnapshot().context.limits).toEqual(modelLimits[kind]);
    const real = await waitFor(client.actor, (s) => sameValue(s, model), { timeout });
    expect(real.context.queue).toHaveLength(model.context.queue.length);
    expect(validations).toHaveLength(expected.validations);
    expect(reauths).toHaveLength(expected.reauths);
    const live = calls.filter((c) => !pool.includes(c) && !c.controller.signal.aborted && !givenUp.has(c));
    const isHeld = (c: Call) => real.context.queue.some((r) => r.url === `${API}${c.path}`);
    if (model.matches({ needsReauth: 'coolingDown' })) {
      // Sign-in failed too often: every caller held then is told, with AuthExpiredError; nothing hangs.
      const told = live.filter((c) => !isHeld(c));
      for (const c of live.filter(isHeld)) expect(c.outcome.settled).toBe(false);
      const results = await Promise.allSettled(told.map((c) => c.promise));
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          expect(r.reason).toBeInstanceOf(AuthExpiredError);
          givenUp.add(told[i]!);
        } else expect(r.value.status).toBe(200);
      });
    } else if (model.value === 'active') {
      const responses = await Promise.all(live.map((c) => c.promise));
      expect(responses.map((r) => r.status)).toEqual(live.map(() => 200));
    } else {
      for (const c of live.filter(isHeld)) expect(c.outcome.settled).toBe(false);
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

  return { client, cause, beforeLeavingActive, expectToMatch, stop: () => client.stop() };
}
