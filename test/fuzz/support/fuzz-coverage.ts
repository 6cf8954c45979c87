import { AuthExpiredError, BodyNotReplayableError } from '../../../src/lib/session/errors.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/** How often each path of interest came up over all runs. */
export type Coverage = Map<string, number>;

/** What a caller ended with, as a short label. */
function outcomeOf(world: FuzzWorld, call: FuzzWorld['calls'][number]): string {
  if (call.response) return `resolved ${call.response.status} after ${call.sends.length} send(s)`;
  const error = call.error;
  if (error instanceof AuthExpiredError) return `rejected AuthExpiredError (${call.stoppedWhileHeld ? 'session stopped' : 'sign-in given up'})`;
  if (error instanceof BodyNotReplayableError) return 'rejected BodyNotReplayableError';
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
  for (const call of world.calls) {
    add(`call ${outcomeOf(world, call)}`);
    if (call.sends.length === 2 && call.sends[0]!.authorization !== call.sends[1]!.authorization) add('call replayed with a newer token');
    if (call.heldUnsent && call.sends.length > 0) add('call held before its first send, then sent');
    if (call.spec.method !== 'GET' && call.sends.length === 2) add(`body replayed: ${call.spec.body}`);
  }
}

/** One line a key, most frequent first. */
export function describeCoverage(coverage: Coverage): string {
  return [...coverage].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `  ${String(n).padStart(6)}  ${key}`).join('\n');
}

/**
 * What 1,000 runs always reach (each comes up dozens of times at least): a
 * fuzz that stops reaching one of them has gone blind, and fails.
 */
export const expectedCoverage = [
  ...['active', 'validating.checking', 'validating.offline', 'needsReauth.waiting', 'needsReauth.elsewhere'].map((s) => `state ${s}`),
  ...['needsReauth.coolingDown', 'reauthenticating'].map((s) => `state ${s}`),
  'event token.expiring',
  'event xstate.after.validationBackoff.session.validating.offline',
  'event xstate.after.reauthCooldown.session.needsReauth.coolingDown',
  'validation timed out',
  'validation (deaf to its signal) timed out',
  'late answer from a validation given up',
  'popup aborted',
  'call aborted in flight',
  'call aborted while held',
  'call held before its first send, then sent',
  'call replayed with a newer token',
  'call resolved 401 after 2 send(s)',
  'call rejected AuthExpiredError (sign-in given up)',
  'call rejected BodyNotReplayableError',
  ...['text', 'json', 'bytes', 'params', 'blob', 'form'].map((kind) => `body replayed: ${kind}`),
];
