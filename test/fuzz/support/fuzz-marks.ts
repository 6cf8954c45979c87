import { selectWaitingForNetwork } from '../../../src/lib/session/selectors.ts';
import { leakText } from '../../support/leak-text.ts';
import { isSettled } from './fuzz-calls.ts';
import { validationDeadlineMs, validationTimeoutMs } from './fuzz-limits.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/** Validations whose failure, when it is not the network's, lets the held calls go unvalidated. */
const givenUpValidating = new Set(['xstate.error.actor.validateSession', 'xstate.error.actor.probeSession']);
const coolingDown = { needsReauth: 'coolingDown' } as const;
/** Why the page may say offline once a check given longer than the first limit timed out. */
const longerUnanswered = 'a check given longer went unanswered';
/** The end of a check or sign-in, with its answer (done) or its failure. */
const checkEnd = /^xstate\.(done|error)\.actor\.(validateSession|probeSession|reauthenticate)$/;
type Snapshot = ReturnType<FuzzWorld['client']['actor']['getSnapshot']>;
/** Which state of `offline` the chart is in, if any (read from its value: cheaper than `matches`, on every snapshot). */
const offlineState = (snapshot: Snapshot) => (snapshot.value as { offline?: string }).offline;
const unconfirmed = (snapshot: Snapshot) => ['unconfirmed', 'confirming'].includes(offlineState(snapshot) ?? '');

/**
 * What the page says of the network as the chart moves from `before` to `now` on `event`: "You're offline" only
 * with a reason (fuzz-facts.ts's `offlineBecause`): never while every check was answered within its limit and the
 * network gave no sign of failing. Notes the paths through an offline not yet confirmed.
 */
function watchOffline(world: FuzzWorld, before: Snapshot, now: Snapshot, event: string) {
  if (offlineState(before) === undefined && offlineState(now) === undefined) return;
  const said = selectWaitingForNetwork(now);
  if (said && world.facts.offlineBecause.size === 0)
    world.violations.push(
      `the page says offline after ${event} (${JSON.stringify(now.value)}), though no check went unanswered past a longer limit and the network gave no sign`,
    );
  if (said && !selectWaitingForNetwork(before)) {
    const why = [...world.facts.offlineBecause];
    world.seen.add(
      `said offline ${why.length === 1 && why[0] === longerUnanswered ? 'after a check given longer went unanswered' : 'on word of the network'}`,
    );
  }
  if (unconfirmed(before) && offlineState(now) === undefined) world.seen.add('left an unconfirmed offline, never saying it');
  if (unconfirmed(before) && said)
    world.seen.add(`unconfirmed offline said on ${event.startsWith('xstate.after') ? 'a probe past its limit' : event}`);
}

/**
 * Follows the chart as the inspector would, and marks the calls that what it
 * did concerns: the ones it let go (back to `active`), gave up (sign-in failed
 * too often) or ended with the session (`stopped`), and the ones a validation
 * given up let go unvalidated. Checks that the inspector never sees a token
 * or a query string. Returns what stops following it.
 *
 * @example
 * const unwatch = watchChart(world);
 */
export function watchChart(world: FuzzWorld): () => void {
  const { client, calls, seen, violations, tokens } = world;
  /** Pending and not out at the backend: held, told to the chart or not (or answered, its answer on its way). */
  const held = () => calls.filter((call) => !isSettled(call) && !call.sends.at(-1)?.inFlight);

  let wasOffline = false;
  /** The chart as the inspector last saw it. */
  let before = client.actor.getSnapshot();
  const inspection = client.actor.system.inspect((event) => {
    if (event.type !== '@xstate.event' && event.type !== '@xstate.snapshot' && event.type !== '@xstate.action') return;
    if (event.type === '@xstate.event' && event.actorRef === client.actor) {
      seen.add(`event ${event.event.type}`);
      world.chartEvent = event.event.type;
      // Only `active` takes it (`offline` needs it not): before the chart takes it, is it where it will be dropped?
      const where = client.actor.getSnapshot();
      if (event.event.type === 'network.offline' && !where.matches('active') && !where.matches('offline'))
        world.facts.offlineDropped = true;
    }
    if (event.type === '@xstate.snapshot' && event.actorRef === client.actor && givenUpValidating.has(event.event.type)) {
      const snapshot = client.actor.getSnapshot();
      if (snapshot.matches('active')) {
        for (const call of held()) call.unvalidatedSend = call.sends.length;
        world.vouch(world.store.token, 'unchecked');
      }
    }
    if (event.type === '@xstate.snapshot' && event.actorRef === client.actor) {
      // Past its deadline, a validation counts as the backend unreachable; past a first limit, the backend may be slow.
      if (event.event.type.startsWith('xstate.after.validationTimeout')) {
        const longer = validationDeadlineMs(before.context.validationFailures) > validationTimeoutMs;
        world.facts.backendUnreachable(longer ? longerUnanswered : 'a check past its first limit', longer);
      }
      if (/^(token.adopted|session.ended)$/.test(event.event.type) && wasOffline && world.facts.unreachable)
        world.facts.leftOfflineUnheard = true;
      const now = client.actor.getSnapshot();
      wasOffline = now.matches('offline');
      const ended = checkEnd.exec(event.event.type);
      if (ended) world.facts.checkEnded(ended[1] === 'done');
      watchOffline(world, before, now, event.event.type);
      before = now;
    }
    if (event.type === '@xstate.snapshot' && event.actorRef === client.actor && event.event.type.startsWith('xstate.after.reauthTimeout')) {
      const error = client.actor.getSnapshot().context.lastReauthError;
      if (error?.name !== 'ReauthTimeoutError')
        violations.push(`the popup's deadline passed, and the session says ${error?.name ?? 'nothing'}`);
    }
    const text = leakText(event);
    if (tokens.leakedIn(text) || text.includes('secret-query'))
      violations.push(`the inspector saw a secret in ${event.type}: ${text.slice(0, 300)}`);
  });

  let previous = client.actor.getSnapshot();
  const subscription = client.actor.subscribe((snapshot) => {
    if (snapshot.context.endedSessions !== world.facts.signOuts)
      violations.push(`the session counts ${snapshot.context.endedSessions} sign-outs, not ${world.facts.signOuts}`);
    seen.add(`state ${JSON.stringify(snapshot.value).replace(/[{}"]/g, '').replace(':', '.')}`);
    const gaveUp = snapshot.matches(coolingDown) && !previous.matches(coolingDown);
    const ended = snapshot.matches('stopped') && !previous.matches('stopped');
    const letGo = gaveUp || ended || (snapshot.matches('active') && !previous.matches('active'));
    for (const call of letGo ? held() : []) {
      // It leaves the hold with the queue, told or not: sent again, or settled, by the next rest.
      call.sendsWhenLetGo = call.sends.length;
      // Held for sure: unsent, answered 401 first (its sends before cut off by the network), or a GET whose latest send
      // failed at the network before its third (a 200 on its way to the caller is not held).
      const last = call.sends.at(-1);
      const firstAnswer401 = last?.response?.status === 401 && call.sends.every((send) => send === last || !send.response);
      const heldForSure = !last || firstAnswer401 || (call.sends.length < 3 && last.error instanceof TypeError);
      // With no token stored, the user signed out (here or in another tab, its word on its way): the call says so.
      if (gaveUp && heldForSure && world.store.token !== null) call.refusals.add('sign-in-given-up');
    }
    previous = snapshot;
  });

  return () => {
    inspection.unsubscribe();
    subscription.unsubscribe();
  };
}
