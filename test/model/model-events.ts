import type { AnyStateMachine, AnyStateNode, SnapshotFrom } from 'xstate';
import { type HeldRequest, isUnreachableFailure, type SessionEvent, type sessionMachine } from '../../machines/session.machine.ts';
import { signInErrorFor } from '../../src/lib/session/provider-error.ts';

/**
 * What a provided guard answers when its timer fires or its signal comes: the model's copy of the chart
 * reads it from the event (the real guards read the token, the clock and the page's use).
 */
export interface Condition {
  /** isTokenExpiring */
  expiring?: boolean;
  /** isReminderDue */
  due?: boolean;
  /** isUserActive, read by `due`'s eventless transition right after the reminder's timer. */
  userActive?: boolean;
  /** isTokenPastExp, read when the backend answers a validation with an error. */
  pastExp?: boolean;
  /**
   * hasNewTokenSinceDismissal: another tab's token came with no word. So it is when the expiry timer finds the token
   * not expiring (the model never looks again before it), and on a `Date` read from a call another tab's token replaced.
   */
  newToken?: boolean;
}

/** Invoke results and timers, which traversal cannot produce on its own, listed as plain events. */
export type ModelEvent =
  | Exclude<SessionEvent, { type: 'tab.visible' | 'clock.observed' }>
  | { type: 'clock.observed'; offsetMs: number; newToken: true }
  | { type: 'tab.visible'; expiring: boolean }
  | { type: 'token.adopted'; expiring?: true }
  | { type: `xstate.done.actor.${'validateSession' | 'probeSession'}`; output: boolean }
  | { type: 'xstate.done.actor.reauthenticate'; output: undefined }
  | { type: `xstate.error.actor.${string}`; error: Error; pastExp?: boolean }
  | ({ type: `xstate.after.${string}` } & Condition);

type Snapshot = SnapshotFrom<typeof sessionMachine>;

/** The answers each provided delay's guard can give when its timer fires; other timers carry none. */
const conditions: Record<string, Condition[]> = {
  untilExpiring: [{ expiring: true }, { expiring: false, newToken: true }],
  untilReminder: [{ due: true, userActive: true }, { due: true, userActive: false }, { due: false }],
};

function nodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((n) => nodes(n as AnyStateNode))];
}

/** Every `after` timer of the chart as the events its copy takes, each with the answers its guard can give. */
export function timerEvents(machine: AnyStateMachine): ModelEvent[] {
  return nodes(machine.root).flatMap((node) =>
    Object.keys((node.config.after ?? {}) as object).flatMap((delay) =>
      (conditions[delay] ?? [{}]).map((c) => ({ type: `xstate.after.${delay}.${node.id}` as const, ...c })),
    ),
  );
}

/** `xstate.after.untilReminder.session.active.quiet` → the delay and the state it waits in. */
export function timerOf(event: ModelEvent): { delay: string; source: string } | undefined {
  const match = /^xstate\.after\.([^.]+)\.(.+)$/.exec(event.type);
  return match ? { delay: match[1]!, source: match[2]! } : undefined;
}

/** Why a `request.held` event of the model holds its one request (the model holds one at a time); undefined for other events. */
export const heldReason = (event: ModelEvent): HeldRequest['reason'] | undefined =>
  event.type === 'request.held' ? event.requests[0]!.reason : undefined;

/** An event as a path's title shows it, and as the graph tells events apart: the answer it carries included. */
export function eventName(event: ModelEvent): string {
  const timer = timerOf(event);
  const says = ({ expiring, due, userActive }: Condition) =>
    [
      expiring !== undefined && (expiring ? 'expiring' : 'not expiring'),
      due !== undefined && (due ? 'due' : 'not due'),
      userActive !== undefined && (userActive ? 'user active' : 'user idle'),
    ]
      .filter(Boolean)
      .join(', ');
  const condition = event as Condition;
  if (timer) return `${timer.delay}@${timer.source.replace(/^session\./, '')}${says(condition) ? `(${says(condition)})` : ''}`;
  if (event.type === 'request.held') return `request.held(${heldReason(event)})`;
  if (event.type === 'tab.visible' || (event.type === 'token.adopted' && condition.expiring)) return `${event.type}(${says(condition)})`;
  if (event.type === 'reauth.failed' && isUnreachableFailure(event.error)) return 'reauth.failed(unreachable)';
  const [, outcome, id] = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event.type) ?? [];
  if (outcome === 'done') return `${id}.done(${String((event as { output?: unknown }).output)})`;
  const pastExp = (event as { pastExp?: boolean }).pastExp;
  if (outcome === 'error')
    return `${id}.error(${(event as { error: Error }).error.name}${pastExp === undefined ? '' : pastExp ? ', past exp' : ''})`;
  return event.type;
}

function request(queue: readonly HeldRequest[], reason: HeldRequest['reason']): HeldRequest {
  const id = `r${Math.max(0, ...queue.map((r) => Number(r.id.slice(1)))) + 1}`;
  return { id, method: 'GET', url: `https://api.test/api/${id}`, reason };
}

/** Every event a user, a tab, the network, the clock or the backend can cause, with the payloads the invokes would give. */
export function eventsIn(snapshot: Snapshot, timers: readonly ModelEvent[]): ModelEvent[] {
  const queue = snapshot.context.queue;
  const results = (id: string): ModelEvent[] => [
    { type: `xstate.done.actor.${id as 'validateSession'}`, output: true },
    { type: `xstate.done.actor.${id as 'validateSession'}`, output: false },
    { type: `xstate.error.actor.${id}`, error: new TypeError('Failed to fetch') },
    { type: `xstate.error.actor.${id}`, error: new Error('Checking the session failed (503).'), pastExp: false },
    { type: `xstate.error.actor.${id}`, error: new Error('Checking the session failed (503).'), pastExp: true },
  ];
  const events: ModelEvent[] = [
    { type: 'request.held', requests: [request(queue, 'unauthorized')] },
    { type: 'request.held', requests: [request(queue, 'unsent')] },
    ...['reauth.requested', 'reauth.reopened', 'reauth.startedElsewhere', 'reauth.endedElsewhere', 'token.adopted', 'token.rejected'].map(
      (type) => ({ type }) as ModelEvent,
    ),
    ...['network.offline', 'network.online', 'user.active', 'session.ended', 'session.stopped'].map((type) => ({ type }) as ModelEvent),
    // Another tab's check got the backend's answer: a tab holding offline asks now.
    { type: 'backend.answeredElsewhere' },
    // Another tab's token is asked about where it would release held requests, should it be expiring too.
    ...((['validating', 'needsReauth', 'reauthenticating'] as const).some((state) => snapshot.matches(state))
      ? [{ type: 'token.adopted', expiring: true } as const]
      : []),
    { type: 'tab.visible', expiring: true },
    { type: 'tab.visible', expiring: false },
    { type: 'clock.observed', offsetMs: 600_000, newToken: true },
    { type: 'reminder.dismissed' },
    ...results('validateSession'),
    ...results('probeSession'),
    { type: 'xstate.done.actor.reauthenticate', output: undefined },
    { type: 'xstate.error.actor.reauthenticate', error: new Error('popup closed') },
    // Google busy: Reconnect again later, as the banner says, spends no attempt.
    { type: 'xstate.error.actor.reauthenticate', error: signInErrorFor('provider_busy') },
    { type: 'reauth.failed', error: new Error('access_denied') },
    // The callback page could not reach the backend either (it restarted while the user was at Google).
    { type: 'reauth.failed', error: signInErrorFor('server_unreachable') },
    ...timers,
  ];
  if (queue[0]) events.push({ type: 'request.aborted', id: queue[0].id });
  return events;
}
