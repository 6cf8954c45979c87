import { PopupBlockedError, PopupClosedError } from '../../../src/lib/session/errors.ts';
import { acts } from './fuzz-acts.ts';
import { elsewhere, type Heard } from './fuzz-elsewhere.ts';
import { networkError, type Answer } from './fuzz-backend.ts';
import { API, type RequestSpec } from './fuzz-calls.ts';
import { passTime, slowDown, type AnswerTime } from './fuzz-slow.ts';
import { advance, type reauthResults, type validateResults } from './fuzz-steps.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/** Commands that are only their kind. */
export type Simple =
  | 'reconnect'
  | 'adopt'
  | 'switchAccount'
  | 'storage'
  | 'startedElsewhere'
  | 'endedElsewhere'
  | 'dismiss'
  | 'signOut'
  | 'stop';

/** One thing that happens to the session: a caller, the network, the backend, the browser, the user, another tab, time. */
export type Command =
  | { kind: 'request'; spec: RequestSpec }
  | { kind: 'respond'; pick: number; answer: Answer }
  /** The network cuts off a send to the API, most often one already sent again (a flaky network, not an outage). */
  | { kind: 'cutOff'; pick: number }
  /** Another tab (with `tabs`) starts asking the backend about the token, or hears its answer and shares it. */
  | { kind: 'tabAsks' }
  | { kind: 'tabAnswers'; valid: boolean }
  | { kind: 'abort'; pick: number; withReason: boolean }
  | { kind: 'validate'; result: (typeof validateResults)[number] }
  /** The backend's /auth/me takes this long to answer from now on (fuzz-slow.ts): late, past the limits, never. */
  | { kind: 'slowBackend'; answersIn: AnswerTime }
  /** A validation the session gave up on (its deadline passed) answers after all. */
  | { kind: 'lateAnswer'; pick: number; result: 'true' | 'false' | 'network' }
  | { kind: 'reauth'; result: (typeof reauthResults)[number] }
  /** A popup the session no longer waits for (deaf to its signal) hands back a token after all. */
  | { kind: 'latePopup'; pick: number }
  /** Another tab's message, repeated or late, names a token some tab had (tab sync's adopt, while signed in). */
  | { kind: 'adoptAgain'; pick: number }
  /** Another tab signs out (the shared token gone now) or signs in as another account (its token stored now); heard here later. */
  | { kind: 'signOutElsewhere' | 'signInElsewhere'; heard: Heard }
  | { kind: Simple }
  | { kind: 'browser'; event: 'offline' | 'online' | 'focus' | 'pointerdown' }
  /** The API becomes unreachable (fetch fails with a TypeError), or reachable again. */
  | { kind: 'network'; up: boolean }
  | { kind: 'tick'; ms: number }
  /** The backend's clock jumps by `ms` against the tab's, and stays so (a user's clock set right, NTP after a wake). */
  | { kind: 'clockSet'; ms: number }
  /** Whatever the session waits for now, answered one of the ways it can be: reaches deep paths often. */
  | { kind: 'advance'; choice: number }
  /**
   * Two tasks back to back: the first's promise jobs run, but no timer between (the hold registry's turn
   * waits), so that a request held a moment ago has not yet been told to the chart when a 401 comes back,
   * the validation answers or the user signs in again.
   */
  | { kind: 'together'; first: Command; second: Command }
  /** Two calls the app makes in one task (one handler): nothing at all runs between them. */
  | { kind: 'sameTask'; first: Command; second: Command };

/** Lets the promise jobs of a task run, however deep their chains, and no timer. */
export async function promiseJobs(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}

/** Commands that only send the chart an event. */
const toTheChart = new Set<Command['kind']>(['reconnect', 'startedElsewhere', 'endedElsewhere', 'dismiss', 'signOut', 'stop', 'advance']);
const pick = <T>(list: readonly T[], n: number): T | undefined => list[n % Math.max(1, list.length)];

/**
 * Makes `command` happen. Commands that find nothing to act on (no request in
 * flight, no validation out) do nothing, as in life.
 *
 * @example
 * apply(world, { kind: 'respond', pick: 0, answer: 401 });
 */
export async function apply(world: FuzzWorld, command: Command): Promise<void> {
  const { client } = world;
  // A stopped chart takes no events (xstate warns of each); authFetch and adoptToken are still called after stop.
  if (world.facts.stopped && toTheChart.has(command.kind)) return;
  switch (command.kind) {
    case 'request':
      return world.request(command.spec);
    case 'respond':
      return pick(world.backend.inFlight(), command.pick)?.respond(command.answer);
    case 'cutOff': {
      const out = world.backend.inFlight().filter((send) => send.url.origin === API);
      const sendsOf = (send: (typeof out)[number]) => world.calls.find((call) => call.sends.includes(send))?.sends.length ?? 0;
      // The later sends of a call first: a replay cut off again is what this command is for.
      const latest = Math.max(0, ...out.map(sendsOf));
      const preferred = command.pick % 3 === 0 ? out : out.filter((send) => sendsOf(send) === latest);
      return pick(preferred, command.pick)?.respond('network');
    }
    case 'tabAsks':
      return world.tabs?.startAsking();
    case 'tabAnswers': {
      if (!world.tabs) return;
      const token = world.store.token;
      // The other tab's backend said so now: the oracle judges the session by it, as by this tab's validation.
      world.facts.backendAnswered();
      world.facts.answerOnItsWay = true;
      if (command.valid) world.vouch(token, 'accepted');
      else if (token !== null) world.facts.refused.add(token);
      world.seen.add(`another tab answered ${command.valid ? 'yes' : 'no'}${world.tabs.asking ? ' after asking' : ''}`);
      await world.tabs.answer(token, command.valid);
      // Its word that the backend answered, as tab sync's listener hears it: a session holding offline asks now.
      if (world.facts.stopped) return;
      if (client.actor.getSnapshot().matches('offline')) world.seen.add('told offline that another tab heard the backend');
      return client.backendAnsweredElsewhere();
    }
    case 'abort': {
      const call = pick(world.calls, command.pick);
      return call?.controller.abort(command.withReason ? new Error(`call ${call.n} given up by its caller`) : undefined);
    }
    case 'validate': {
      const validation = world.openValidations()[0];
      if (!validation) return;
      if (command.result === 'network') {
        world.facts.backendUnreachable('a validation failed at the network');
        return validation.reject(networkError());
      }
      // A slow backend says it in its time (or never): only the network fails at once.
      if (world.checkAnswersIn !== 'whenTold') return void (validation.says = command.result);
      world.facts.backendAnswered();
      world.facts.answerOnItsWay = true;
      if (command.result === 'error') return validation.reject(new Error('Checking the session failed (503).'));
      if (command.result === 'not-a-boolean') return validation.resolve('yes' as unknown as boolean);
      if (command.result === 'true') world.vouch(validation.token, 'accepted');
      return validation.resolve(command.result === 'true');
    }
    case 'lateAnswer': {
      const validation = pick(
        world.validations.filter((v) => v.abandoned && !v.settled),
        command.pick,
      );
      if (!validation) return;
      world.seen.add('late answer from a validation given up');
      // Stale news: a request the session stopped waiting for says nothing of the network now.
      if (command.result === 'network') return validation.reject(networkError());
      world.facts.backendAnswered();
      // The backend did say yes, late: the session may trust the token for it.
      if (command.result === 'true') world.vouch(validation.token, 'accepted');
      return validation.resolve(command.result === 'true');
    }
    case 'reauth': {
      const popup = world.openReauths()[0];
      if (!popup) return;
      // The sign-in's last step is our backend exchanging Google's code: a token means it answered.
      if (command.result === 'token') {
        world.facts.backendAnswered();
        world.facts.answerOnItsWay = true;
        return popup.resolve(world.mint());
      }
      if (command.result === 'empty') return popup.resolve('');
      return popup.reject(command.result === 'closed' ? new PopupClosedError() : new PopupBlockedError());
    }
    case 'latePopup': {
      const popup = pick(
        world.reauths.filter((p) => p.abandoned && !p.settled),
        command.pick,
      );
      if (popup) world.seen.add('late token from a popup given up');
      return popup?.resolve(world.mint());
    }
    case 'reconnect':
      return acts.reconnect(world);
    case 'adopt':
      return acts.adopt(world);
    case 'adoptAgain':
      return acts.adoptAgain(world, command.pick);
    case 'switchAccount':
      return acts.adopt(world, world.tokens.subOf(world.store.token) === 'bob' ? 'ada' : 'bob');
    case 'storage':
      return acts.storeSilently(world);
    case 'startedElsewhere':
    case 'endedElsewhere':
      return client.reconnectingElsewhere(command.kind === 'startedElsewhere');
    case 'dismiss':
      return client.dismissReminder();
    case 'signOut':
      return acts.signOut(world);
    case 'signOutElsewhere':
      return elsewhere.signOut(world, command.heard);
    case 'signInElsewhere':
      return elsewhere.signIn(world, command.heard);
    case 'stop':
      return acts.stop(world);
    case 'browser':
      if (command.event === 'offline') world.facts.backendUnreachable('the browser is offline');
      return world.window.dispatch(command.event);
    case 'network':
      return command.up ? void (world.backend.network.down = false) : acts.goDown(world);
    case 'slowBackend':
      return slowDown(world, command.answersIn);
    case 'tick':
      return passTime(world, command.ms);
    case 'clockSet':
      return world.setBackendClock(command.ms);
    case 'advance':
      return advance(world, command.choice, apply);
    case 'together':
      await apply(world, command.first);
      await promiseJobs();
      return apply(world, command.second);
    case 'sameTask':
      void apply(world, command.first);
      return apply(world, command.second);
  }
}
