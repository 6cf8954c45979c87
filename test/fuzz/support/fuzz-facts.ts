import { isSettled, type FuzzCall, type Refusal } from './fuzz-calls.ts';

/** A moment on the backend's clock, and how far off the session's idea of that clock was then. */
export interface Vouch {
  at: number;
  error: number;
}

/**
 * What the run knows of the world beside the session (the backend, the
 * network, the user), which the oracle judges the session by, and the marks
 * it puts on the calls when it learns something.
 *
 * @example
 * const facts = createFacts(calls);
 * facts.backendUnreachable('the browser is offline');
 */
export function createFacts(calls: readonly FuzzCall[]) {
  const pending = () => calls.filter((call) => !isSettled(call) && call.spec.target === 'api');
  const facts = {
    /** When the backend last said yes to a token (its clock), and how far off the session's idea of that clock was then. */
    accepted: new Map<string, Vouch>(),
    /** When the session last gave up validating a token (the backend erred, retries used up): likewise. */
    unchecked: new Map<string, Vouch>(),
    /** Tokens the backend answered 401 or a validation said no to: the session may take an older token over one of them. */
    refused: new Set<string>(),
    stopped: false,
    signOuts: 0,
    /** The session has read the backend's `Date` from an answer while it ran, since its clock was last set. */
    dateHeard: false,
    /** Answers from the API so far (each has a `Date` the session may read), and how many came before its clock was last set. */
    answers: 0,
    answersBeforeClockSet: 0,
    /** A 401 from the API (whose `Date` the session always reads) has come since its clock was last set, the backend ahead of the session's idea (an untimed 401 may be late: it shows no more). */
    unauthorizedSinceClockSet: false,
    /** The longest an API answer took since the clock was last set: its `Date` was written at some moment in between. */
    slowestAnswerMs: 0,
    /**
     * The last word on the network was bad (the browser's `offline`, a send or a validation failing at the
     * network, a validation past its deadline), and the backend has not answered anything since.
     */
    unreachable: false,
    /** What said so, since the backend last answered. */
    unheardBecause: new Set<string>(),
    /**
     * Why the page may say "You're offline": word that the network failed, or a check given longer than the first
     * limit that went unanswered; forgotten when the chart hears the backend answer a check or a sign-in.
     */
    offlineBecause: new Set<string>(),
    /** The chart was told the network is gone (network.offline) in a state that drops it (a known core bug). */
    offlineDropped: false,
    /** The session left `offline` for another tab's token or a sign-out, the backend still unheard (a known core bug). */
    leftOfflineUnheard: false,

    /** From now on these calls may be refused with AuthExpiredError for `reason`. */
    mayRefuse(reason: Refusal, which = pending()) {
      for (const call of which) call.refusals.add(reason);
    },
    /**
     * The user signed out (here, or another tab cleared the shared token): a call pending now that is refused
     * from now on must say so, whatever it could have been refused for before (unless the session is stopped).
     */
    signedOut() {
      if (facts.stopped) return;
      for (const call of pending()) {
        call.refusals.clear();
        call.refusals.add('signed-out');
        call.signedOutWhilePending = true;
      }
    },
    /** A token for `sub` comes in: the calls made for another account may be refused. */
    newAccount(sub: string | undefined) {
      facts.mayRefuse(
        'other-account',
        pending().filter((call) => call.account !== sub),
      );
    },
    /** The backend answered something (a call, a validation, a sign-in's code exchange): it can be reached. */
    backendAnswered() {
      Object.assign(facts, { unreachable: false, leftOfflineUnheard: false, offlineDropped: false });
      facts.unheardBecause.clear();
    },
    /** The API answered with `status`: the session may read its clock from it. */
    apiAnswered(status: number, tookMs: number, backendAhead: boolean) {
      facts.answers++;
      facts.slowestAnswerMs = Math.max(facts.slowestAnswerMs, tookMs);
      facts.unauthorizedSinceClockSet ||= status === 401 && backendAhead;
    },
    /** The backend's clock was set by `ms` (the user's own clock set right, NTP after a wake): what the session read of it is old. */
    clockSet(ms: number) {
      Object.assign(facts, {
        dateHeard: false,
        answersBeforeClockSet: facts.answers,
        unauthorizedSinceClockSet: false,
        slowestAnswerMs: 0,
      });
      // A yes came when it came: on the new clock that is `ms` later, not `ms` ago (the session measures it again so).
      for (const [token, { at, error }] of facts.accepted) facts.accepted.set(token, { at: at + ms, error: error - ms });
    },
    /** The backend answered the session's check (or a sign-in reached it): the chart hears it when the check ends. */
    answerOnItsWay: false,
    /** The chart's check or sign-in ended: with the backend's answer, the page has no reason left to say offline. */
    checkEnded(answered: boolean) {
      if (answered || facts.answerOnItsWay) facts.offlineBecause.clear();
      facts.answerOnItsWay = false;
    },
    /**
     * Word that the backend cannot be reached: the calls held now wait until it answers again. `said`: the word
     * lets the page say so (not a check past its first limit: the backend may be slow).
     */
    backendUnreachable(why: string, said = true) {
      facts.unreachable = true;
      facts.unheardBecause.add(why);
      if (!said) return;
      facts.offlineBecause.add(why);
      facts.answerOnItsWay = false;
      for (const call of pending()) if (!call.sends.at(-1)?.inFlight) call.heldOffline = true;
    },
  };
  return facts;
}

export type FuzzFacts = ReturnType<typeof createFacts>;
