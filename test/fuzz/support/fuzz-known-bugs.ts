import type { Send } from './fuzz-backend.ts';
import type { FuzzCall } from './fuzz-calls.ts';
import { leadMs } from './fuzz-limits.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/**
 * Core bugs the fuzz found that the core has not fixed yet, each with the
 * failing test that pins it (an `it.fails`, green while the bug is there) and
 * the kept runs of fuzz-found.ts that show it. The oracle counts a problem that
 * one of them explains by its exact signature (coverage: `known core bug …`)
 * instead of failing on it, so that the fuzz goes on finding others; `strict`
 * runs (the kept runs of the bug, `FUZZ_STRICT=1`) fail on it, naming it. When
 * the core fixes one, its tests turn red: remove it here, make its test an
 * `it`, and move its runs to `foundRuns`.
 */
/** Where a problem was seen: the send, its call, the world then. */
interface Moment {
  world: FuzzWorld;
  call: FuzzCall;
  send: Send;
}

interface KnownBug {
  readonly id: string;
  readonly test: string;
  explains(problem: string, at: Moment): boolean;
}

export const knownBugs: readonly KnownBug[] = [
  {
    // send() replays a 401 whose token changed while it was out at once, without asking the chart: offline,
    // or with the new token past its exp or expiring while the chart validates. Not a replay the chart let
    // go (this turn): that one would be another bug.
    id: 'replays a 401 whose token changed at once, offline or with an expired token',
    test: 'test/session/replay-after-token-change.test.ts',
    explains: (problem, { call, send }) =>
      /^sent while the session was offline$|past its exp$|^sent with a token known to be expiring/.test(problem) &&
      call.sends.length === 2 &&
      call.sends[0]!.response?.status === 401 &&
      call.sends[0]!.authorization !== send.authorization &&
      call.sendsWhenLetGo !== 1,
  },
  {
    // `offline` is left for `active` on another tab's token (the held calls let go) or a sign-out (calls made
    // after it go), with no probe of the backend.
    id: 'leaves offline without a word from the backend (a token from another tab, a sign-out)',
    test: 'test/session/offline-left-unheard.test.ts',
    explains: (problem, { world }) => /^(made|held) while the backend was unreachable/.test(problem) && world.facts.leftOfflineUnheard,
  },
  {
    // Only send() tells the chart of a network failure: a replay's TypeError goes to its caller alone.
    id: 'a replay that fails at the network does not take the session offline',
    test: 'test/session/replay-network-failure.test.ts',
    explains: (problem, { world }) =>
      /^(made|held) while the backend was unreachable/.test(problem) &&
      [...world.facts.unheardBecause].every((why) => why === 'a replay failed at the network'),
  },
  {
    // Only `active` takes network.offline (a call's TypeError, the browser's offline): elsewhere it is dropped,
    // and `renewing` (a sending state) or the way back to `active` sends into the network said to be gone.
    id: 'drops word that the network is gone outside active',
    test: 'test/session/network-failure-outside-active.test.ts',
    explains: (problem, { world }) => /^(made|held) while the backend was unreachable/.test(problem) && world.facts.offlineDropped,
  },
  {
    // Since 6d23090 a call with the token the expiry timer is set for trusts the timer and reads no clock; a
    // timer set for now (a new reading of the backend's clock shows the token expiring) runs a task later.
    id: 'trusts an expiry timer due but not yet run',
    test: 'test/session/clock-offset-timers.test.ts',
    explains: (problem, { world }) => /past its exp$|^sent with a token known to be expiring/.test(problem) && world.timerDue(),
  },
  {
    // e5fc860's postponeExpiryCheck vouches for the token when a validation is given up: one past its exp is
    // then trusted a lead window, and calls made meanwhile go with it.
    id: 'sends a token past its exp for a lead window after a validation given up',
    test: 'test/session/expired-token-after-give-up.test.ts',
    explains: (problem, { world, send }) => {
      const given = world.facts.unchecked.get(send.authorization?.replace(/^Bearer /, '') ?? '');
      return (
        /past its exp$/.test(problem) &&
        !!given &&
        world.backendNow() < given.at + leadMs + Math.abs(world.beliefError()) + Math.abs(given.error)
      );
    },
  },
];

/** `FUZZ_STRICT=1`: every problem fails the run, known or not. */
export const strictByDefault = process.env.FUZZ_STRICT === '1';

/**
 * The known bug that explains `problem`, if any.
 *
 * @example
 * const bug = knownBugFor(problem, { world, call, send });
 */
export const knownBugFor = (problem: string, at: Moment) => knownBugs.find((bug) => bug.explains(problem, at));
