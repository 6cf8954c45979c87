import { leakText } from '../../support/leak-text.ts';
import { isSettled } from './fuzz-calls.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/** Validations whose failure, when it is not the network's, lets the held calls go unvalidated. */
const givenUpValidating = new Set(['xstate.error.actor.validateSession', 'xstate.error.actor.probeSession']);
const coolingDown = { needsReauth: 'coolingDown' } as const;

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
  const inspection = client.actor.system.inspect((event) => {
    if (event.type !== '@xstate.event' && event.type !== '@xstate.snapshot' && event.type !== '@xstate.action') return;
    if (event.type === '@xstate.event' && event.actorRef === client.actor) {
      seen.add(`event ${event.event.type}`);
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
      // Past its deadline, a validation counts as the backend unreachable.
      if (event.event.type.startsWith('xstate.after.validationTimeout')) world.facts.backendUnreachable('a validation timed out');
      if (/^(token.adopted|session.ended)$/.test(event.event.type) && wasOffline && world.facts.unreachable)
        world.facts.leftOfflineUnheard = true;
      const now = client.actor.getSnapshot();
      wasOffline = now.matches('offline');
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
