import { AuthExpiredError, BodyNotReplayableError, NotReplayedError } from '../../../src/lib/session/errors.ts';
import { API } from './fuzz-calls.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/** How often each path of interest came up over all runs. */
export type Coverage = Map<string, number>;

/** What a caller ended with, as a short label. */
function outcomeOf(call: FuzzWorld['calls'][number]): string {
  if (call.response) return `resolved ${call.response.status} after ${call.sends.length} send(s)`;
  const error = call.error;
  if (error instanceof AuthExpiredError) return `rejected AuthExpiredError (${error.reason})`;
  if (error instanceof BodyNotReplayableError) return 'rejected BodyNotReplayableError';
  if (error instanceof NotReplayedError) return 'rejected NotReplayedError';
  if (call.controller.signal.aborted && error === call.controller.signal.reason) {
    return call.sends.at(-1)?.error === error ? 'aborted in flight' : 'aborted while held';
  }
  if (error instanceof TypeError) return 'rejected network error';
  return `rejected ${String(error)}`;
}

/**
 * Adds one run to the tally: the chart's states and events, and how callers ended.
 *
 * @example
 * tally(coverage, world);
 */
export function tally(coverage: Coverage, world: FuzzWorld): void {
  const add = (key: string) => coverage.set(key, (coverage.get(key) ?? 0) + 1);
  world.seen.forEach(add);
  world.tabs?.seen.forEach(add);
  for (const call of world.calls) {
    add(`call ${outcomeOf(call)}`);
    if (call.sends.length === 2 && call.sends[0]!.authorization !== call.sends[1]!.authorization) add('call replayed with a newer token');
    if (call.heldUnsent && call.sends.length > 0) add('call held before its first send, then sent');
    if (call.spec.bare) add(`bare GET ${call.sends.length === 2 ? 'replayed' : call.heldUnsent ? 'held' : 'sent at once'}`);
    if (!call.spec.replay && call.heldUnsent && call.sends.length === 1) add('call made with replay: false, held, then sent once');
    if (call.madeOffline && call.sends.length > 0) add('call made offline, sent once the backend answered');
    if (call.unvalidatedSend !== undefined && call.sends.length > call.unvalidatedSend)
      add('call let go by a validation given up, then sent');
    const redirected =
      call.response?.status === 401 &&
      call.sends.length === 1 &&
      call.sends[0]!.response?.redirected &&
      call.sends[0]!.authorization !== null;
    if (redirected)
      add(`call resolved 401 after 1 send (redirected ${new URL(call.response!.url).origin === API ? 'here, token still good' : 'away'})`);
    if (call.spec.method !== 'GET' && call.sends.length === 2) add(`body replayed: ${call.spec.body}`);
    if (call.sends.length === 3 && call.sends[1]!.error instanceof TypeError) add('call sent a third time after a cut-off replay');
    if (call.sends.length === 3 && call.sends[2]!.error instanceof TypeError && call.error === call.sends[2]!.error)
      add('call rejected network error at its third cut-off send');
  }
}

/** One line a key, most frequent first. */
export function describeCoverage(coverage: Coverage): string {
  return [...coverage]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `  ${String(n).padStart(6)}  ${key}`)
    .join('\n');
}

const after = (delay: string, states: string[]) => states.map((state) => `event xstate.after.${delay}.session.${state}`);

/**
 * What 1,000 runs always reach (most of it dozens of times at least): a fuzz
 * that stops reaching one of them has gone blind, and fails.
 */
export const expectedCoverage = [
  ...[
    'active.quiet',
    'active.due',
    'active.reminding',
    'active.dismissed',
    'validating.checking',
    'validating.confirming',
    'validating.retrying',
  ].map((s) => `state ${s}`),
  ...['offline.waiting', 'offline.probing', 'needsReauth.waiting', 'needsReauth.elsewhere', 'needsReauth.coolingDown'].map(
    (s) => `state ${s}`,
  ),
  ...['reauthenticating.holding', 'reauthenticating.renewing', 'stopped'].map((s) => `state ${s}`),
  ...['network.offline', 'network.online', 'tab.visible', 'user.active', 'reminder.dismissed', 'session.ended', 'clock.observed'].map(
    (e) => `event ${e}`,
  ),
  ...['request.aborted', 'xstate.error.actor.probeSession'].map((e) => `event ${e}`),
  ...after('untilExpiring', ['active', 'reauthenticating.renewing']),
  ...after('untilReminder', ['active.quiet']),
  ...after('validationBackoff', ['offline.waiting', 'validating.retrying']),
  ...after('validationTimeout', ['validating.checking', 'offline.probing']),
  ...after('reauthCooldown', ['needsReauth.coolingDown']),
  ...after('reauthTimeout', ['reauthenticating']),
  'validation (deaf to its signal) aborted',
  'popup (deaf to its signal) aborted',
  'popup aborted',
  'late answer from a validation given up',
  "the backend's clock set, then read again",
  'late token from a popup given up',
  ...['the account stored', 'the same second'].map((which) => `tab message naming an older token of ${which}`),
  ...['signed out elsewhere', 'sign-out elsewhere heard', 'stale sign-out word'],
  ...['signed in elsewhere as another account', 'sign-in elsewhere heard', 'sign-in elsewhere heard after a sign-out'],
  'call aborted in flight',
  'call aborted while held',
  'call held before its first send, then sent',
  'call made offline, sent once the backend answered',
  'call let go by a validation given up, then sent',
  'call replayed with a newer token',
  'call resolved 401 after 2 send(s)',
  'call resolved 401 after 1 send (redirected away)',
  'call resolved 401 after 1 send (redirected here, token still good)',
  'call rejected network error',
  ...['sign-in-given-up', 'stopped', 'signed-out', 'other-account'].map((why) => `call rejected AuthExpiredError (${why})`),
  'call rejected BodyNotReplayableError',
  'call rejected NotReplayedError',
  ...['sent at once', 'held', 'replayed'].map((how) => `bare GET ${how}`),
  'call made with replay: false, held, then sent once',
  ...['text', 'json', 'bytes', 'params', 'blob', 'form'].map((kind) => `body replayed: ${kind}`),
];
