import type { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../../src/lib/auth-fetch.ts';
import { createFuzzBackend, networkError } from './fuzz-backend.ts';
import { API, isSettled, startCall, type FuzzCall, type Refusal, type RequestSpec } from './fuzz-calls.ts';
import { leadMs, lifetimeMs, limits, remindBeforeMs, validationTimeoutMs } from './fuzz-limits.ts';
import { watchChart } from './fuzz-marks.ts';
import { strictByDefault } from './fuzz-known-bugs.ts';
import { openOf, startOutstanding, type Outstanding } from './fuzz-outstanding.ts';
import { checkAtSendTime } from './fuzz-sends.ts';
import { createFuzzTokens } from './fuzz-tokens.ts';
import { installFuzzWindow } from './fuzz-window.ts';

/**
 * One fuzz run's system: the real createAuthFetch on `clock`, an in-memory
 * backend whose clock is `skewMs` ahead of the tab's, the page's window, a
 * validation and a popup that answer when the run says, and every invariant
 * that must hold at the instant something happens (a send, a stored token,
 * an inspector event) recorded in `violations`. `strict`: fail on the core's
 * known bugs too (fuzz-known-bugs.ts).
 *
 * @example
 * const world = createFuzzWorld(new SimulatedClock(), 0);
 * world.request(spec); world.backend.inFlight()[0]!.respond(401);
 */
export function createFuzzWorld(clock: SimulatedClock, skewMs: number, strict = strictByDefault) {
  const backendNow = () => clock.now() + skewMs;
  const tokens = createFuzzTokens({ lifetimeMs });
  const store = { token: tokens.mint(backendNow()) as string | null };
  const facts = {
    /** When the backend last said yes to a token (its clock), and how far off the session's idea of that clock was then. */
    accepted: new Map<string, Vouch>(),
    /** When the session last gave up validating a token (the backend erred, retries used up): likewise. */
    unchecked: new Map<string, Vouch>(),
    stopped: false,
    signOuts: 0,
    /** The session has read the backend's `Date` from an answer while it ran. */
    dateHeard: false,
    /**
     * The last word on the network was bad (the browser's `offline`, a send or a validation failing at the
     * network, a validation past its deadline), and the backend has not answered anything since.
     */
    unreachable: false,
    /** What said so, since the backend last answered. */
    unheardBecause: new Set<string>(),
    /** The chart was told the network is gone (network.offline) in a state that drops it (a known core bug). */
    offlineDropped: false,
    /** The session left `offline` for another tab's token or a sign-out, the backend still unheard (a known core bug). */
    leftOfflineUnheard: false,
  };
  const violations: string[] = [];
  const validations: Array<Outstanding<boolean>> = [];
  const reauths: Array<Outstanding<string>> = [];
  const calls: FuzzCall[] = [];
  /** States, events and paths the run went through, for the coverage summary. */
  const seen = new Set<string>();
  // Its deadline, a new popup, a sign-out, stop(): the chart's events say which.
  const aborted = (what: string) => () => seen.add(`${what} aborted`);
  const window = installFuzzWindow();
  const backend = createFuzzBackend({
    onSend: (send) => checkAtSendTime(world, send),
    onAnswer: (answer, send) => {
      const replay = calls.some((call) => call.sends[1] === send);
      return answer === 'network' ? world.unreachable(`a ${replay ? 'replay' : 'send'} failed at the network`) : world.reachable();
    },
    backendNow,
  });

  const client = createAuthFetch({
    getToken: () => store.token,
    setToken: (token) => {
      if (facts.stopped) violations.push('a token was stored after the session was stopped');
      if (reauths.some((popup) => popup.value === token && popup.signal.aborted)) violations.push('a sign-in that settled after the session moved on stored its token');
      store.token = token;
      newAccount(tokens.subOf(token)!);
    },
    validate: ({ token, signal }) => {
      if (openOf(validations).length > 0) violations.push('a second validation started while one was in flight');
      if (backend.network.down) {
        world.unreachable('a validation failed at the network');
        return Promise.reject(networkError());
      }
      // Every other validation ignores its signal, as a validate that never hands it to fetch: only the deadline ends it.
      const ignoresSignal = validations.length % 2 === 1;
      const onAbort = aborted(ignoresSignal ? 'validation (deaf to its signal)' : 'validation');
      return startOutstanding({ token, signal, startedAt: clock.now(), ignoresSignal, list: validations, onAbort });
    },
    reauthenticate: ({ signal }) => {
      if (openOf(reauths).length > 0) violations.push('a second popup opened while one was in flight');
      // Every third popup ignores its signal: it may still hand back a token after the session stopped waiting.
      const ignoresSignal = reauths.length % 3 === 2;
      const onAbort = aborted(ignoresSignal ? 'popup (deaf to its signal)' : 'popup');
      return startOutstanding({ token: null, signal, startedAt: clock.now(), ignoresSignal, list: reauths, onAbort });
    },
    allowedOrigins: [API],
    fetch: backend.fetch,
    clock,
    expiryLeadMs: leadMs,
    remindBeforeMs,
    validationTimeoutMs,
    limits,
  });
  const pending = () => calls.filter((call) => !isSettled(call) && call.spec.target === 'api');
  /** From now on these calls may be refused with AuthExpiredError (the first reason stays). */
  const mayRefuse = (reason: Refusal, which = pending()) => which.forEach((call) => (call.mayBeRefused ??= reason));
  /** A token for `sub` comes in: the calls made for another account may be refused. */
  const newAccount = (sub: string) => mayRefuse('another account signed in', pending().filter((call) => call.account !== sub));

  const world = {
    client,
    clock,
    skewMs,
    strict,
    backendNow,
    tokens,
    store,
    facts,
    backend,
    window,
    calls,
    seen,
    violations,
    validations,
    reauths,
    openValidations: () => openOf(validations),
    openReauths: () => openOf(reauths),
    /** How far the session's idea of the backend's time is ahead of it now (negative: behind). */
    beliefError: () => clock.now() + client.actor.getSnapshot().context.clockOffsetMs - backendNow(),
    request: (spec: RequestSpec) => {
      const call = startCall(calls.length + 1, spec, {
        authFetch: client.authFetch,
        token: () => store.token,
        account: tokens.subOf(store.token),
        session: facts.signOuts,
        madeOffline: facts.unreachable,
        register: (c) => calls.push(c),
      });
      if (facts.stopped) call.mayBeRefused = 'session stopped';
      // Not sent in the call itself: held before its first send, whether the chart was told at once or a turn later.
      call.heldUnsent = call.sends.length === 0;
    },
    mint: (sub = tokens.subOf(store.token) ?? 'ada') => tokens.mint(backendNow(), sub),
    /** The backend answered something (a call, a validation): it can be reached. */
    reachable() {
      Object.assign(facts, { unreachable: false, leftOfflineUnheard: false, offlineDropped: false });
      facts.unheardBecause.clear();
    },
    /** Word that the backend cannot be reached: the calls held now wait until it answers again. */
    unreachable(why: string) {
      facts.unreachable = true;
      facts.unheardBecause.add(why);
      for (const call of pending()) if (!call.sends.at(-1)?.inFlight) call.heldOffline = true;
    },
    /** The backend says yes to `token` now (`accepted`), or the session gives up asking (`unchecked`). */
    vouch: (token: string | null, by: 'accepted' | 'unchecked') => void (token !== null && facts[by].set(token, { at: backendNow(), error: world.beliefError() })),
    /** The banner's Reconnect: with a popup open, that one is aborted and a new one opens, within the click. */
    reconnect() {
      const open = openOf(reauths);
      const wasOpen = client.actor.getSnapshot().matches('reauthenticating');
      client.reconnect();
      if (wasOpen && (open.some((popup) => !popup.signal.aborted) || openOf(reauths).length !== 1 || open.includes(openOf(reauths)[0]!))) {
        violations.push('Reconnect with the popup open did not abort it and open a new one');
      }
    },
    /** Another tab signed in (as `sub`) and broadcast its token. */
    adopt(sub?: string) {
      const token = world.mint(sub);
      if (!facts.stopped) newAccount(tokens.subOf(token)!);
      client.adoptToken(token);
    },
    /** Another tab wrote a token to the shared storage, without a word. */
    storeSilently() {
      store.token = world.mint();
      newAccount(tokens.subOf(store.token)!);
    },
    /** The user signs out: the app forgets the token and ends the session. */
    signOut() {
      mayRefuse('signed out');
      facts.signOuts++;
      store.token = null;
      client.endSession();
    },
    stop() {
      mayRefuse('session stopped');
      facts.stopped = true;
      client.stop();
    },
    /** The API cannot be reached any more: what is out fails, validations included (nothing else tells). */
    goDown() {
      backend.goDown();
      for (const validation of validations.filter((v) => !v.settled)) {
        // One the session still waits for tells it; one it gave up on tells nobody.
        if (!validation.abandoned) world.unreachable('a validation failed at the network');
        validation.reject(networkError());
      }
    },
    dispose() {
      unwatch();
      if (!facts.stopped) client.stop();
      window.uninstall();
    },
  };
  const unwatch = watchChart(world);
  return world;
}

export type FuzzWorld = ReturnType<typeof createFuzzWorld>;
/** A moment on the backend's clock, and how far off the session's idea of that clock was then. */
export interface Vouch {
  at: number;
  error: number;
}
