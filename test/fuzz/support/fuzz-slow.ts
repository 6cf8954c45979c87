import { checkAtRest, untilAtRest } from './fuzz-checks.ts';
import { validationDeadlineMs, validationTimeoutMs } from './fuzz-limits.ts';
import type { Outstanding } from './fuzz-outstanding.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/**
 * How long the backend's /auth/me (validate) takes to answer, from the moment it is asked, against the
 * chart's limits of 5, 10, 20 and 30 s: within the first; past it, within the longer one a probe is given
 * next; past both; past even the last (the answer comes after the session gave up); never. `whenTold`: it
 * answers when the run says (a `validate` command), as before slow answers.
 */
export const answerTimes = [3_000, 7_000, 12_000, 35_000, 'never', 'whenTold'] as const;
export type AnswerTime = (typeof answerTimes)[number];

/**
 * The session asks the backend about its token (or waits for the tab that asks).
 *
 * @example
 * if (isChecking(world)) await passTime(world, untilCheckEnds(world) ?? 0);
 */
export function isChecking(world: FuzzWorld): boolean {
  const snapshot = world.client.actor.getSnapshot();
  return (
    snapshot.matches({ validating: 'checking' }) ||
    snapshot.matches({ validating: 'confirming' }) ||
    snapshot.matches({ offline: 'probing' }) ||
    snapshot.matches({ offline: 'confirming' })
  );
}

/** What the backend says of `token` now: good until its `exp`, on the backend's clock. */
export function verdictOf(world: FuzzWorld, token: string | null): boolean {
  const exp = world.tokens.expOf(token);
  return exp !== undefined && world.backendNow() < exp;
}

/**
 * The backend's answers take `answersIn` from now on: each check asked from now, and the one out now (counted
 * from when it was asked, no sooner than now).
 *
 * @example
 * slowDown(world, 7_000);
 */
export function slowDown(world: FuzzWorld, answersIn: AnswerTime): void {
  world.checkAnswersIn = answersIn;
  for (const check of world.openValidations()) check.answerAt = answerAtFor(world, check.startedAt);
}

/** When a check asked at `startedAt` is answered, as the backend is now: undefined, never (or when the run says). */
export function answerAtFor(world: FuzzWorld, startedAt: number): number | undefined {
  const answersIn = world.checkAnswersIn;
  if (typeof answersIn !== 'number') return undefined;
  return Math.max(world.clock.now(), startedAt + answersIn);
}

/**
 * The session gave up `check` (its signal aborted): if for its time limit, not before the limit its failures give it.
 * With tab sync, a check may have waited for another tab's lock before it was asked: the limit began before it.
 *
 * @example
 * signal.addEventListener('abort', () => noteGivenUp(world, check), { once: true });
 */
export function noteGivenUp(world: FuzzWorld, check: Outstanding<boolean>): void {
  const afterMs = world.clock.now() - check.startedAt;
  if (world.tabs || !world.chartEvent.startsWith('xstate.after.validationTimeout') || check.deadlineMs === undefined) return;
  if (afterMs < check.deadlineMs)
    world.violations.push(`a check was given up for its time after ${afterMs} ms, before its ${check.deadlineMs} ms limit`);
}

/** The longest a check may be out: its limit stops doubling there. */
const longestLimitMs = validationDeadlineMs(Number.POSITIVE_INFINITY);

const dueAnswers = (world: FuzzWorld) => world.validations.filter((check) => check.answerAt !== undefined && !check.settled);

/** What a slow check's answer says, when the run said what (its `validate` command came before its time). */
export type SlowAnswer = 'true' | 'false' | 'error' | 'not-a-boolean';

/** Answers every check whose answer is due now: the session's verdict if it still waits, a late answer if it gave up. */
function answerDue(world: FuzzWorld): void {
  for (const check of dueAnswers(world)) {
    if (check.answerAt! > world.clock.now()) continue;
    const took = check.answerAt! - check.startedAt;
    check.answerAt = undefined;
    const says = check.says ?? (verdictOf(world, check.token) ? 'true' : 'false');
    world.facts.backendAnswered();
    if (check.abandoned) {
      const inTime = check.deadlineMs === undefined || took < check.deadlineMs;
      world.seen.add(`slow check answered ${inTime ? 'in time, but after' : 'after'} the session gave up`);
    } else {
      world.facts.answerOnItsWay = true;
      const limit = check.deadlineMs ?? validationTimeoutMs;
      world.seen.add(`slow check answered within its ${limit > validationTimeoutMs ? 'longer' : 'first'} limit`);
    }
    if (says === 'error') check.reject(new Error('Checking the session failed (503).'));
    else if (says === 'not-a-boolean') check.resolve('yes' as unknown as boolean);
    else {
      if (says === 'true') world.vouch(check.token, 'accepted');
      check.resolve(says === 'true');
    }
  }
}

/**
 * Time passes (`ms`), stopping at each answer of a slow backend that falls within it (a real loop would run it,
 * and what it sets off, before the session's timers due later) and, while the backend is slow, at the end of each
 * open check's limit (the session must have given it up by then: no check outlives its limit, nor 30 s). Every
 * check holds at each stop.
 *
 * @example
 * await passTime(world, 30_000);
 */
export async function passTime(world: FuzzWorld, ms: number): Promise<void> {
  const end = world.clock.now() + ms;
  const limitsEnd = () =>
    world.checkAnswersIn === 'whenTold'
      ? []
      : world
          .openValidations()
          .map((check) => check.startedAt + check.deadlineMs!)
          .filter((at) => at > world.clock.now());
  for (;;) {
    const next = Math.min(...dueAnswers(world).map((check) => check.answerAt!), ...limitsEnd());
    if (next > end) break;
    world.clock.increment(Math.max(0, next - world.clock.now()));
    answerDue(world);
    await untilAtRest(world);
    checkAtRest(world);
  }
  world.clock.increment(end - world.clock.now());
}

/**
 * Until what the open check waits for: its slow answer, or (never answered) the end of its limit. Undefined when
 * the backend answers when told, or no check of this tab's is out.
 *
 * @example
 * const ms = untilCheckEnds(world); if (ms !== undefined) await passTime(world, ms);
 */
export function untilCheckEnds(world: FuzzWorld): number | undefined {
  const check = world.openValidations()[0];
  if (!check || world.checkAnswersIn === 'whenTold') return undefined;
  const end = check.answerAt ?? check.startedAt + (check.deadlineMs ?? validationTimeoutMs);
  return Math.max(0, end - world.clock.now());
}

/**
 * The backend answers again, slowly if it was slow: within 30 s (past the first two limits when it answered
 * later or never), and the check out now with it. Not before `outageSteps` of the ending: the session's checks,
 * given longer each time, reach their 30 s first.
 *
 * @example
 * recoverSlowly(world, step);
 */
export function recoverSlowly(world: FuzzWorld, step: number): void {
  const answersIn = world.checkAnswersIn;
  if (step < outageSteps || answersIn === 'whenTold' || (typeof answersIn === 'number' && answersIn <= longestLimitMs)) return;
  slowDown(world, 12_000);
}

/** Steps of an ending before a backend that never answers comes back: checks of 5, 10, 20, 30 s and one more, with their backoffs. */
export const outageSteps = 10;
