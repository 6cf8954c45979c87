import type { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../../src/lib/auth-fetch.ts';
import type { AuthFetchOptions } from '../../../src/lib/session/options.ts';
import { createFuzzBackend, type Send } from './fuzz-backend.ts';
import { API, startCall, type FuzzCall, type RequestSpec } from './fuzz-calls.ts';
import { createLateWords } from './fuzz-elsewhere.ts';
import { createFacts } from './fuzz-facts.ts';
import { leadMs, lifetimeMs, limits, remindBeforeMs, validationDeadlineMs, validationTimeoutMs } from './fuzz-limits.ts';
import { watchChart } from './fuzz-marks.ts';
import { watchedTimers } from './fuzz-timers.ts';
import { strictByDefault } from './fuzz-known-bugs.ts';
import { openOf, startOutstanding, type Outstanding } from './fuzz-outstanding.ts';
import { checkAtSendTime } from './fuzz-sends.ts';
import { createFuzzTabs } from './fuzz-tabs.ts';
import { answerAtFor, noteGivenUp, type AnswerTime } from './fuzz-slow.ts';
import { createFuzzTokens } from './fuzz-tokens.ts';
import { installFuzzWindow } from './fuzz-window.ts';

/**
 * One fuzz run's system: the real createAuthFetch on `clock`, an in-memory
 * backend whose clock is `skewMs` ahead of the tab's (until a run sets it), the page's window, a
 * validation and a popup that answer when the run says, and every invariant
 * that must hold at the instant something happens (a send, a stored token,
 * an inspector event) recorded in `violations`. `strict`: fail on the core's
 * known bugs too (fuzz-known-bugs.ts).
 *
 * @example
 * const world = createFuzzWorld(new SimulatedClock(), 0);
 * world.request(spec); world.backend.inFlight()[0]!.respond(401);
 */
export function createFuzzWorld(clock: SimulatedClock, skewMs: number, strict = strictByDefault, options: { tabs?: boolean } = {}) {
  /** How far the backend's clock is ahead of the tab's now: `setBackendClock` moves it. */
  let skew = skewMs;
  const backendNow = () => clock.now() + skew;
  const timers = watchedTimers(clock);
  const tokens = createFuzzTokens({ lifetimeMs });
  const store = { token: tokens.mint(backendNow()) as string | null };
  /** Tokens some tab stored or broadcast, oldest first: the only ones another tab's message can name (a popup given up tells none). */
  const told: string[] = [store.token!];
  const calls: FuzzCall[] = [];
  const facts = createFacts(calls);
  const violations: string[] = [];
  const validations: Array<Outstanding<boolean>> = [];
  const reauths: Array<Outstanding<string>> = [];
  /** States, events and paths the run went through, for the coverage summary. */
  const seen = new Set<string>();
  // Its deadline, a new popup, a sign-out, stop(): the chart's events say which.
  const aborted = (what: string) => () => seen.add(`${what} aborted`);
  const window = installFuzzWindow();
  /** When each send to the API was answered, on the tab's clock. */
  const answeredAt = new Map<Send, number>();
  const sentAt = new Map<Send, number>();
  /** With `tabs`: tab sync around validate, and another tab sharing its answers. */
  const tabs = options.tabs ? createFuzzTabs(clock, () => validations.length) : undefined;
  const backend = createFuzzBackend({
    onSend: (send) => {
      sentAt.set(send, clock.now());
      checkAtSendTime(world, send);
    },
    onAnswer: (answer, send) => {
      answeredAt.set(send, clock.now());
      const replay = calls.some((call) => call.sends[1] === send);
      if (answer === 'network') return facts.backendUnreachable(`a ${replay ? 'replay' : 'send'} failed at the network`);
      if ((answer === 401 || answer === '401-here') && send.authorization) facts.refused.add(send.authorization.replace(/^Bearer /, ''));
      // Another origin's 401 at the end of a redirect: its Date is another server's clock, not read.
      if (answer !== '401-away')
        facts.apiAnswered(typeof answer === 'number' ? answer : 401, clock.now() - sentAt.get(send)!, world.beliefError() < 0);
      facts.backendAnswered();
    },
    backendNow,
  });

  const validate: AuthFetchOptions['validate'] = ({ token, signal }) => {
    if (openOf(validations).length > 0) violations.push('a second validation started while one was in flight');
    // Every other validation ignores its signal, as a validate that never hands it to fetch: only the deadline ends it.
    const ignoresSignal = validations.length % 2 === 1;
    const onAbort = aborted(ignoresSignal ? 'validation (deaf to its signal)' : 'validation');
    // Its deadline by the failures of the spell before it, as the chart counts them (the model test checks the count).
    // Asked again in the same check (a token stored meanwhile), it has what is left of the check's limit.
    const first = validations.find((earlier) => earlier.signal === signal);
    const deadlineMs = first
      ? first.deadlineMs! - (clock.now() - first.startedAt)
      : validationDeadlineMs(client.actor.getSnapshot().context.validationFailures);
    if (first) seen.add('check asked again within its limit');
    const answer = startOutstanding({ token, signal, startedAt: clock.now(), deadlineMs, ignoresSignal, list: validations, onAbort });
    const check = validations.at(-1)!;
    check.answerAt = answerAtFor(world, check.startedAt);
    signal.addEventListener('abort', () => noteGivenUp(world, check), { once: true });
    // The API down, it fails at the network a task later, as fetch does.
    if (backend.network.down) validations.at(-1)!.failAtTheNetwork(() => facts.backendUnreachable('a validation failed at the network'));
    answer.then(
      (valid) => valid === false && token !== null && facts.refused.add(token),
      () => {},
    );
    return answer;
  };
  const reauthenticate: AuthFetchOptions['reauthenticate'] = ({ signal }) => {
    if (openOf(reauths).length > 0) violations.push('a second popup opened while one was in flight');
    // Every third popup ignores its signal: it may still hand back a token after the session stopped waiting.
    const ignoresSignal = reauths.length % 3 === 2;
    const onAbort = aborted(ignoresSignal ? 'popup (deaf to its signal)' : 'popup');
    return startOutstanding({ token: null, signal, startedAt: clock.now(), ignoresSignal, list: reauths, onAbort });
  };
  const client = createAuthFetch({
    getToken: () => store.token,
    setToken: (token) => {
      if (facts.stopped) violations.push('a token was stored after the session was stopped');
      if (reauths.some((popup) => popup.value === token && popup.signal.aborted))
        violations.push('a sign-in that settled after the session moved on stored its token');
      store.token = token;
      told.push(token);
      facts.newAccount(tokens.subOf(token));
    },
    validate: tabs ? tabs.wrap({ validate, reauthenticate }) : validate,
    reauthenticate,
    allowedOrigins: [API],
    fetch: backend.fetch,
    clock: timers.clock,
    expiryLeadMs: leadMs,
    remindBeforeMs,
    validationTimeoutMs,
    limits,
  });

  tabs?.sync?.connect(client);
  const world = {
    client,
    tabs,
    answeredAt,
    clock,
    /** Whether a timer of the session's is due now: a real loop runs it before anything else happens. */
    timerDue: timers.due,
    strict,
    backendNow,
    tokens,
    store,
    told,
    facts,
    /** How long the backend takes to answer a check (fuzz-slow.ts). */
    checkAnswersIn: 'whenTold' as AnswerTime,
    /** The type of the last event the chart took (set by fuzz-marks.ts). */
    chartEvent: '',
    /** Other tabs' words on their way. */
    late: createLateWords(),
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
      if (facts.stopped) call.refusals.add('stopped');
      // Not sent in the call itself: held before its first send, whether the chart was told at once or a turn later.
      call.heldUnsent = call.sends.length === 0;
    },
    /** The backend's clock jumps by `ms` (its user's clock set right, NTP after a wake), and stays there. */
    setBackendClock(ms: number) {
      skew += ms;
      facts.clockSet(ms);
    },
    mint: (sub = tokens.subOf(store.token) ?? 'ada') => tokens.mint(backendNow(), sub),
    /** The backend says yes to `token` now (`accepted`), or the session gives up asking (`unchecked`). */
    vouch: (token: string | null, by: 'accepted' | 'unchecked') =>
      void (token !== null && facts[by].set(token, { at: backendNow(), error: world.beliefError() })),
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
