import { AuthExpiredError, BodyNotReplayableError, NotReplayedError } from '../../../src/lib/session/errors.ts';
import { API, isSettled, type FuzzCall } from './fuzz-calls.ts';
import { dateHeaderPrecisionMs, limits, validationTimeoutMs } from './fuzz-limits.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/** Answers after which the session must have read a `Date`: one in fifty is read, and the next must agree. */
const answersReadAfter = 51;
const immediateTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const timerTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/**
 * One turn of the event loop; every eighth a timer turn, because holds that come while the session holds
 * reach the chart a timer turn later (the hold registry tells it of them together: the session's one real timer).
 */
const turn = (i: number) => (i % 8 === 7 ? timerTurn() : immediateTurn());
const sameBytes = (a: Uint8Array | null | undefined, b: Uint8Array | null | undefined) =>
  !!a && !!b && a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * Why the system is still moving, or null once it rests: every caller is
 * settled, in flight at the backend, or held in the queue of a session that
 * holds (not a sending state: `active`, `reauthenticating.renewing`); and a
 * validation (a popup) is out exactly while the chart says so. A caller that
 * is none of these would wait forever: a hang.
 */
function whyMoving(world: FuzzWorld): string | null {
  const snapshot = world.client.actor.getSnapshot();
  const state = JSON.stringify(snapshot.value);
  const { queue } = snapshot.context;
  for (const call of world.calls) {
    if (isSettled(call)) continue;
    const entries = queue.filter((held) => held.url === call.heldUrl);
    if (call.sends.at(-1)?.inFlight && entries.length === 0) continue;
    if (entries.length === 1 && !snapshot.hasTag('sending') && snapshot.status === 'active') continue;
    return `call ${call.n} is pending but ${entries.length > 0 ? `held ${entries.length}x` : 'neither in flight nor held'} while the session is ${state}`;
  }
  for (const held of queue) {
    if (!world.calls.some((c) => c.heldUrl === held.url && !isSettled(c))) return `the queue holds ${held.url}, whose caller is gone`;
  }
  if (world.backend.sends.some((send) => !send.bodyDone)) return 'a body is still being read';
  if (world.backend.sends.some((send) => send.inFlight && send.failing)) return 'a send is failing at the network';
  if (world.validations.some((validation) => validation.failing)) return 'a validation is failing at the network';
  const checking =
    snapshot.matches({ validating: 'checking' }) ||
    snapshot.matches({ validating: 'confirming' }) ||
    snapshot.matches({ offline: 'probing' }) ||
    snapshot.matches({ offline: 'confirming' })
      ? 1
      : 0;
  // Tab sync waits for the lock another tab holds while it asks: the session checks, with no validation of its own out.
  const waitingForTab = checking === 1 && world.openValidations().length === 0 && world.tabs?.asking;
  if (world.openValidations().length !== checking && !waitingForTab)
    return `${world.openValidations().length} validations out while ${state}`;
  const popup = snapshot.matches('reauthenticating') ? 1 : 0;
  if (world.openReauths().length !== popup) return `${world.openReauths().length} popups open while ${state}`;
  return null;
}

/**
 * Lets every promise chain run, and every timer whose time has come, until the
 * system rests (no time passes: only turns of the event loop, deterministic).
 * Throws when it does not come to rest, which is how a hang shows up.
 *
 * @example
 * world.backend.inFlight()[0]!.respond(401);
 * await untilAtRest(world);
 */
export async function untilAtRest(world: FuzzWorld, turns = 200): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (whyMoving(world) === null) {
      if (!world.timerDue()) return;
      // Its time has come (a zero delay): a real loop runs it now; SimulatedClock only when moved.
      world.clock.increment(0);
      continue;
    }
    await turn(i);
  }
  throw new Error(`the system never came to rest: ${whyMoving(world)}`);
}

/** Whether a send before the last got an answer (a 401: any other goes to the caller); the others the network cut off. */
const answeredBefore = (call: FuzzCall) => call.sends.slice(0, -1).some((send) => send.response);

/**
 * A 401 that is the caller's at its first answer: sent without a token (no session to restore), at the end of a
 * redirect to another origin (fetch gave it no token), or of one within the API whose token is still the
 * session's when the caller gets it (validated or not, unchanged: a second send would say the same).
 */
function isCallers401(call: FuzzCall): boolean {
  const send = call.sends.at(-1);
  if (answeredBefore(call) || !send) return false;
  if (send.authorization === null) return true;
  if (!send.response?.redirected) return false;
  return new URL(send.response.url).origin !== API || send.authorization === `Bearer ${call.tokenAtSettle}`;
}

/** Whether a settled call got what a caller may get, and nothing else. */
function outcomeProblem(world: FuzzWorld, call: FuzzCall): string | null {
  const last = call.sends.at(-1);
  if (call.response) {
    if (call.response !== last?.response) return 'resolved with a response its last send did not get';
    // Sends the network cut off do not count: the first 401 is held for the one replay, after them too.
    if (call.response.status === 401 && call.spec.target === 'api' && !answeredBefore(call) && !isCallers401(call)) {
      return `a 401 reached the caller at its first answer (send ${call.sends.length}), not after a replay`;
    }
    return null;
  }
  const error = call.error;
  const text = error instanceof Error ? `${error.name}: ${error.message} ${String(error.cause ?? '')}` : String(error);
  if (world.tokens.leakedIn(text) || text.includes('secret-query')) return `rejected with an error whose message carries a secret: ${text}`;
  // A GET the network cut off waits for the backend and goes again, until its third send is cut off too.
  const cutOffGet = call.spec.target === 'api' && call.spec.method === 'GET' && call.spec.replay && error instanceof TypeError;
  if (cutOffGet && last && error === last.error && call.sends.length < 3 && !world.facts.stopped && !call.controller.signal.aborted)
    return `rejected with the network's error after ${call.sends.length} send(s), not held to be sent again`;
  if (last && error === last.error) return null; // the network's own error, or the abort of the send
  if (call.controller.signal.aborted && error === call.controller.signal.reason) return null;
  // Refused, and saying why: the reason must be one the run gave it.
  if (error instanceof AuthExpiredError && call.refusals.has(error.reason)) return null;
  if (error instanceof AuthExpiredError && call.signedOutWhilePending)
    return `refused as '${error.reason}' after the user signed out, not as 'signed-out'`;
  const once401 = call.sends.length === 1 && last?.response?.status === 401;
  if (error instanceof BodyNotReplayableError && call.isStream && once401) return null;
  if (error instanceof NotReplayedError && !call.spec.replay && once401) return null;
  return `rejected with an error it should not get: ${text}`;
}

/**
 * Checks everything that must hold whenever the system rests.
 *
 * @example
 * await untilAtRest(world); checkAtRest(world);
 */
export function checkAtRest(world: FuzzWorld): void {
  const problems = [...world.violations];
  const deadlines = [
    ['validation', world.openValidations(), validationTimeoutMs],
    ['popup', world.openReauths(), limits.reauthTimeoutMs],
  ] as const;
  for (const [what, open, limit] of deadlines) {
    for (const { startedAt, deadlineMs } of open) {
      const deadline = deadlineMs ?? limit;
      const age = world.clock.now() - startedAt;
      if (age >= deadline) problems.push(`a ${what} has been out for ${age} ms, past its ${deadline} ms deadline: a hang`);
    }
  }
  // The backend's Date tells the session its clock, to the header's precision and the delay of the answers read
  // (a late one proves less), once two answers agree (one alone may be the browser's cache) or a 401 says it (never cached; sent
  // untimed, it shows the backend ahead only). The first answer is read, then one in fifty: once the clock is set,
  // the session may hear of it only 51 answers later (one in fifty, and the next to agree).
  const { answers, answersBeforeClockSet: before, unauthorizedSinceClockSet, slowestAnswerMs } = world.facts;
  const heard = !world.facts.stopped && (unauthorizedSinceClockSet || answers - before >= (before === 0 ? 2 : answersReadAfter));
  if (heard && !world.facts.dateHeard && before > 0) world.seen.add("the backend's clock set, then read again");
  world.facts.dateHeard ||= heard;
  const error = world.beliefError();
  if (world.facts.dateHeard && Math.abs(error) > dateHeaderPrecisionMs + slowestAnswerMs)
    problems.push(`the session's idea of the backend's clock is ${error} ms off after reading its Date`);
  for (const call of world.calls) {
    const label = `call ${call.n} (${call.spec.method} ${call.heldUrl}, ${call.spec.method === 'GET' ? 'no body' : call.spec.body})`;
    // Held when the chart let its queue go or gave it up: it went with the queue (sent again, or settled).
    if (call.sendsWhenLetGo === call.sends.length && !isSettled(call))
      problems.push(`${label} was held when the queue was let go, and is held still`);
    call.sendsWhenLetGo = undefined;
    if (call.settledCount > 1) problems.push(`${label} settled ${call.settledCount} times`);
    if (call.isStream && call.sends.length > 1) problems.push(`${label} re-sent a stream body`);
    const first = call.sends[0]?.body;
    for (const [i, send] of call.sends.entries()) {
      const expected = call.expectedBody ?? first;
      if (!sameBytes(send.body, expected)) problems.push(`${label} send ${i + 1} carried other bytes than the caller's body`);
    }
    const outcome = isSettled(call) ? outcomeProblem(world, call) : null;
    if (outcome) problems.push(`${label}: ${outcome}`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/**
 * The session's report (client.report()) after a whole run: words and numbers only, never a token, a URL,
 * a path or a query of the run's calls.
 *
 * @example
 * checkReport(world);
 */
export function checkReport(world: FuzzWorld): void {
  const text = JSON.stringify(world.client.report());
  const secrets = ['secret-query', 'api.test', 'elsewhere.test', '/api/c', ...world.tokens.all.map((token) => token.split('.')[2]!)];
  const found = secrets.filter((secret) => text.includes(secret));
  if (found.length > 0) throw new Error(`the session's report carries ${found.join(', ')}: ${text.slice(0, 300)}`);
}
