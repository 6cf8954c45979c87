import type { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../../src/lib/auth-fetch.ts';
import { leakText } from '../../hardening/support/leak-text.ts';
import { createFuzzBackend, type Send } from './fuzz-backend.ts';
import { API, isSettled, startCall, type FuzzCall, type RequestSpec } from './fuzz-calls.ts';
import { openOf, startOutstanding, type Outstanding } from './fuzz-outstanding.ts';
import { createFuzzTokens } from './fuzz-tokens.ts';

export const limits = { validationRetries: 2, validationBackoffMs: 1_000, reauthAttempts: 2, reauthCooldownMs: 30_000 };
export const validationTimeoutMs = 5_000;
export const leadMs = 60_000;
export const lifetimeMs = 10 * 60_000;

/**
 * One fuzz run's system: the real createAuthFetch on `clock`, an
 * in-memory backend, a validation and a popup that answer when the run says,
 * and every invariant that must hold at the instant something happens
 * (a send, a validation, a popup, an inspector event) recorded in `violations`.
 *
 * @example
 * const world = createFuzzWorld(new SimulatedClock());
 * world.request(spec); world.backend.inFlight()[0]!.respond(401);
 */
export function createFuzzWorld(clock: SimulatedClock) {
  const tokens = createFuzzTokens({ lifetimeMs, leadMs });
  const store = { token: tokens.mint(0) as string | null, vouched: null as string | null };
  const violations: string[] = [];
  const validations: Array<Outstanding<boolean>> = [];
  const reauths: Array<Outstanding<string>> = [];
  const calls: FuzzCall[] = [];
  /** States and events the run went through, for the coverage summary. */
  const seen = new Set<string>();
  const aborted = (what: string) => (reason: unknown) =>
    seen.add(`${what} ${(reason as Error | undefined)?.name === 'TimeoutError' ? 'timed out' : 'aborted'}`);

  const backend = createFuzzBackend(function checkAtSendTime(send: Send) {
    const call = calls.find((c) => c.heldUrl === send.url.origin + send.url.pathname);
    if (!call) return void violations.push(`send #${send.index} to ${send.url.href} that no caller made`);
    call.sends.push(send);
    const label = `call ${call.n} (${call.spec.method} ${call.heldUrl}) send ${call.sends.length}`;
    const leaked = tokens.leakedIn(send.url.href);
    if (leaked) violations.push(`${label}: a token is in its URL`);
    if (call.sends.length > 2) violations.push(`${label}: sent more than twice`);
    if (call.spec.target !== 'api') {
      if (send.headers.some(([, value]) => tokens.leakedIn(value))) violations.push(`${label}: a token went to another origin`);
      return;
    }
    const token = send.authorization?.replace(/^Bearer /, '') ?? null;
    if (token !== store.token) violations.push(`${label}: sent with ${token === null ? 'no token' : 'a stale token'}, not the current one`);
    if (call.sends.length > 1) return;
    const state = JSON.stringify(client.actor.getSnapshot().value);
    if (state !== '"active"') violations.push(`${label}: a new request went out while the session was ${state}`);
    if (tokens.isExpiring(token, clock.now()) && token !== store.vouched && !call.letGoUnvalidated) {
      violations.push(`${label}: sent with a token known to be expiring, without validating first`);
    }
  });

  const client = createAuthFetch({
    getToken: () => store.token,
    setToken: (token) => void (store.token = token),
    validate: ({ token, signal }) => {
      if (openOf(validations).length > 0) violations.push('a second validation started while one was in flight');
      // Every other validation ignores its signal, as a validate that never hands it to fetch: only the deadline ends it.
      const ignoresSignal = validations.length % 2 === 1;
      const onAbort = aborted(ignoresSignal ? 'validation (deaf to its signal)' : 'validation');
      return startOutstanding({ token, signal, startedAt: clock.now(), ignoresSignal, list: validations, onAbort });
    },
    reauthenticate: ({ signal }) => {
      if (openOf(reauths).length > 0) violations.push('a second popup opened while one was in flight');
      return startOutstanding({ token: null, signal, startedAt: clock.now(), ignoresSignal: false, list: reauths, onAbort: aborted('popup') });
    },
    allowedOrigins: [API],
    fetch: backend.fetch,
    clock,
    expiryLeadMs: leadMs,
    validationTimeoutMs,
    limits,
  });

  // What the inspector would show: no token and no query string, ever.
  const inspection = client.actor.system.inspect((event) => {
    if (event.type !== '@xstate.event' && event.type !== '@xstate.snapshot' && event.type !== '@xstate.action') return;
    if (event.type === '@xstate.event' && event.actorRef === client.actor) seen.add(`event ${event.event.type}`);
    // Validation given up (offline, out of retries): the chart lets the calls held unsent go with the token as it is.
    const gaveUpValidating = event.type === '@xstate.snapshot' && event.event.type === 'xstate.error.actor.validateSession';
    if (gaveUpValidating && event.actorRef === client.actor && client.actor.getSnapshot().matches('active')) {
      for (const call of calls) if (!isSettled(call) && call.sends.length === 0) call.letGoUnvalidated = true;
    }
    const text = leakText(event);
    if (tokens.leakedIn(text) || text.includes('secret-query')) violations.push(`the inspector saw a secret in ${event.type}: ${text.slice(0, 300)}`);
  });
  // Which callers the chart let go with its queue (back to `active`), or gave up with it (sign-in failed too often).
  let previous = client.actor.getSnapshot();
  const subscription = client.actor.subscribe((snapshot) => {
    seen.add(`state ${JSON.stringify(snapshot.value).replace(/[{}"]/g, '').replace(':', '.')}`);
    const coolingDown = { needsReauth: 'coolingDown' } as const;
    const gaveUp = snapshot.matches(coolingDown) && !previous.matches(coolingDown);
    const letGo = gaveUp || (snapshot.matches('active') && !previous.matches('active'));
    for (const call of letGo ? calls : []) {
      // Pending and not out at the backend: held, in the queue or a moment ago and not yet told to the chart
      // (or answered, its answer not yet handed over). It leaves the hold with the queue, told or not.
      if (isSettled(call) || call.sends.at(-1)?.inFlight) continue;
      call.sendsWhenLetGo = call.sends.length;
      // Held for sure: unsent, or answered 401 once (a 200 on its way to the caller is not held).
      if (gaveUp && (call.sends.length === 0 || (call.sends.length === 1 && call.sends[0]!.response?.status === 401))) call.givenUp = true;
    }
    previous = snapshot;
  });

  return {
    client,
    clock,
    tokens,
    store,
    backend,
    calls,
    seen,
    violations,
    validations,
    reauths,
    openValidations: () => openOf(validations),
    openReauths: () => openOf(reauths),
    request: (spec: RequestSpec) => {
      const call = startCall(calls.length + 1, spec, client.authFetch, (c) => calls.push(c));
      // Not sent in the call itself: held before its first send, whether the chart was told at once or a turn later.
      call.heldUnsent = call.sends.length === 0;
    },
    mint: () => tokens.mint(clock.now()),
    dispose() {
      inspection.unsubscribe();
      subscription.unsubscribe();
      client.stop();
    },
  };
}

export type FuzzWorld = ReturnType<typeof createFuzzWorld>;
