import type { Send } from './fuzz-backend.ts';
import type { FuzzCall } from './fuzz-calls.ts';
import { knownBugFor } from './fuzz-known-bugs.ts';
import { leadMs } from './fuzz-limits.ts';
import type { Vouch } from './fuzz-facts.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/** True while `vouch` (if any) still covers a send now: one lead window, on the session's idea of the clock. */
function covers(world: FuzzWorld, vouch: Vouch | undefined): vouch is Vouch {
  // The session's idea of the clock may have moved since (a Date read): the window may end that much later.
  return !!vouch && world.backendNow() < vouch.at + leadMs + Math.max(0, vouch.error - world.beliefError());
}

/**
 * What a token may not be, at the instant it is sent (the backend's clock): past its `exp`, or within its lead
 * window without a validation lately. Judged in the backend's time, allowing only for what the session cannot
 * know: how far its idea of that time is off (`beliefError`, ±1.5 s once it has read a `Date`, the whole skew
 * before).
 *
 * - Accepted by the backend, a token is trusted for one lead window, never past its `exp` unless the session
 *   itself saw it past `exp` when it was accepted (a backend with leeway, or clocks that differ: asked again
 *   once a window, not on every call).
 * - A validation given up (the backend erred, retries used up) counts as one for a lead window: the session
 *   does not ask in a loop. Never past `exp`: no backend said yes.
 */
function expiryProblem(world: FuzzWorld, token: string | null): string | null {
  const exp = world.tokens.expOf(token);
  if (exp === undefined) return null;
  const now = world.backendNow();
  // The session may be this far behind the backend's time, and cannot know it.
  const behind = Math.max(0, -world.beliefError());
  const accepted = world.facts.accepted.get(token!);
  const acceptedPastExp = covers(world, accepted) && accepted.at + accepted.error >= exp;
  const validated = covers(world, accepted) || covers(world, world.facts.unchecked.get(token!));
  if (now >= exp + behind && !acceptedPastExp) return `sent ${now - exp} ms past its exp`;
  if (now >= exp - leadMs + behind && !validated)
    return `sent with a token known to be expiring (${exp - now} ms left) before a validation`;
  return null;
}

/** Why `send`, the `call.sends.length`-th of `call`, should not have gone out as it did. */
function sendProblems(world: FuzzWorld, call: FuzzCall, send: Send): string[] {
  const problems: string[] = [];
  if (world.tokens.leakedIn(send.url.href)) problems.push('a token is in its URL');
  // Sends the network cut off before the first answer are a first send's: from the first answer on (a 401), or
  // from the first send while none came, a third send only for a call whose replay the network cut off; never a fourth.
  const firstAnswer = call.sends.findIndex((sent) => sent.response);
  const cutOffBefore = Math.max(0, firstAnswer);
  const since = call.sends.slice(cutOffBefore);
  if (since.length > 3) problems.push(`sent more than three times${cutOffBefore > 0 ? ' since its first answer' : ''}`);
  if (since.length === 3 && !(since[1]!.error instanceof TypeError)) problems.push('sent a third time, though its replay was answered');
  if (call.sends.length > 1 && !call.spec.replay) problems.push('sent again, though made with replay: false');
  // A write may have reached the backend: its caller decides. A GET is safe to send again (RFC 9110 §9.2.1).
  if (call.sends.length > 1 && call.sends.at(-2)!.error instanceof TypeError && call.spec.method !== 'GET')
    problems.push('a write sent again after its send failed at the network');
  if (world.facts.stopped) problems.push('sent after the session was stopped');
  if (call.spec.target !== 'api') {
    if (send.headers.some(([, value]) => world.tokens.leakedIn(value))) problems.push('a token went to another origin');
    return problems;
  }
  if (call.session !== world.facts.signOuts) problems.push('sent after a sign-out, though made before it');
  const token = send.authorization?.replace(/^Bearer /, '') ?? null;
  if (token !== world.store.token) problems.push(`sent with ${token === null ? 'no token' : 'a stale token'}, not the current one`);
  if (world.tokens.subOf(token) !== call.account) problems.push(`sent for ${world.tokens.subOf(token)}, made for ${call.account}`);
  const snapshot = world.client.actor.getSnapshot();
  const state = JSON.stringify(snapshot.value);
  if (snapshot.matches('offline')) problems.push('sent while the session was offline');
  else if ((call.madeOffline || call.heldOffline) && world.facts.unreachable) {
    problems.push(`${call.madeOffline ? 'made' : 'held'} while the backend was unreachable, and sent before it answered anything`);
  } else if (call.sends.length === 1 && !snapshot.hasTag('sending')) problems.push(`a new request went out while the session was ${state}`);
  const first = since[0]!;
  if (
    since.length === 2 &&
    first.response?.redirected &&
    new URL(first.response.url).origin === send.url.origin &&
    first.authorization === send.authorization
  ) {
    problems.push('a redirected 401 whose token is still good was sent again');
  }
  // A yes reused from before the 401 says nothing of it: the backend may have taken the token back in between.
  const verdict = world.tabs?.last;
  const at401 = first.response?.status === 401 ? world.answeredAt.get(first) : undefined;
  if (
    since.length === 2 &&
    at401 !== undefined &&
    first.authorization === send.authorization &&
    call.unvalidatedSend !== cutOffBefore + 1 &&
    verdict?.token === token &&
    verdict.reusedYesAt !== undefined &&
    verdict.reusedYesAt < at401
  ) {
    problems.push(`replayed on a yes given ${at401 - verdict.reusedYesAt} ms before its 401, reused from the tabs' answers`);
  }
  if (call.unvalidatedSend !== call.sends.length - 1) {
    const expiry = expiryProblem(world, token);
    if (expiry) problems.push(expiry);
  }
  return problems;
}

/**
 * The backend's hook: records each send with its caller and checks it at the
 * instant it leaves, while the session is in the state that sent it.
 *
 * @example
 * const backend = createFuzzBackend((send) => checkAtSendTime(world, send), backendNow);
 */
export function checkAtSendTime(world: FuzzWorld, send: Send): void {
  const call = world.calls.find((c) => c.heldUrl === send.url.origin + send.url.pathname);
  if (!call) return void world.violations.push(`send #${send.index} to ${send.url.href} that no caller made`);
  call.sends.push(send);
  const label = `call ${call.n} (${call.spec.method} ${call.heldUrl}) send ${call.sends.length}`;
  for (const problem of sendProblems(world, call, send)) {
    const known = knownBugFor(problem, { world, call, send });
    if (known && !world.strict) world.seen.add(`known core bug: ${known.id}`);
    // Strict, it fails the run, and says which known bug it is.
    else world.violations.push(`${label}: ${problem}${known ? ` [known core bug: ${known.id}]` : ''}`);
  }
}
