import type { EventObject } from 'xstate';
import { isUnreachableFailure, type HeldRequest, type SessionContext } from '../../../machines/session.machine.ts';

/** One line of the session report. Words and numbers only: never a token, a URL, a header or a body. */
export interface ReportEntry {
  /** ISO time, on this tab's clock. */
  at: string;
  /** What happened: the chart's event, or an adapter's note (`tab.…`, `lock.…`). */
  event: string;
  /** The chart's state after it, e.g. `validating.checking`. */
  state?: string;
  /** Requests held after it, as the chart counts them. */
  held?: number;
  /** The outcome in a word or two: `valid`, `expired`, `network`, `timeout`, an error's name, an offset. */
  detail?: string;
}

/** What `client.report()` gives: ready for JSON.stringify, for a bug report or the dev panel. */
export interface SessionReport {
  format: 'quiet-session-report/1';
  createdAt: string;
  state: string;
  /** A token is stored: the chart runs, `active` too, with no one signed in. */
  signedIn: boolean;
  held: number;
  clockOffsetMs: number;
  /** When the token expires (from its `exp`), or null. */
  expiresAt: string | null;
  limits: SessionContext['limits'];
  lastReauthError: string | null;
  /** Oldest first; the last `size` only. */
  entries: ReportEntry[];
}

/** The chart's state as one label: `needsReauth.waiting`. */
export function stateLabel(value: unknown): string {
  if (typeof value === 'string') return value;
  const regions = Object.entries(value as Record<string, unknown>).map(([key, child]) => `${key}.${stateLabel(child)}`);
  // Stryker disable next-line StringLiteral: the chart has no parallel state, so a level has one child and nothing is joined
  return regions.join(', ');
}

/** How many entries a report keeps, the latest: a tab open for days keeps no more. */
const size = 300;

/** The browser's signs, and another tab's word that the backend answered: a line each only when they change the state or the count held. */
const signs = new Set(['user.active', 'tab.visible', 'network.online', 'backend.answeredElsewhere']);

/** Calls held, by method and why (never their URL): `+3 (2 GET unauthorized, 1 POST unsent)`; a storm's three largest groups. */
function heldDetail(requests: readonly HeldRequest[]): string {
  const groups = new Map<string, number>();
  for (const { method, reason } of requests) groups.set(`${method} ${reason}`, (groups.get(`${method} ${reason}`) ?? 0) + 1);
  const largest = [...groups].sort(([, a], [, b]) => b - a);
  const words = largest.slice(0, 3).map(([group, count]) => `${count} ${group}`);
  return `+${requests.length} (${words.join(', ')}${largest.length > 3 ? ', …' : ''})`;
}

/** The outcome an event carries, in words: never its payload as it came. */
function detailOf(
  event: EventObject & { output?: unknown; error?: unknown; requests?: readonly HeldRequest[]; offsetMs?: unknown },
): string | undefined {
  // Stryker disable next-line Regex: the chart's actor ids are fixed, and no event type holds these inside a longer one
  if (/^xstate\.done\.actor\.(validate|probe)Session$/.test(event.type)) {
    // Stryker disable next-line ConditionalExpression,StringLiteral: validateSession resolves a boolean only (token-check throws on anything else)
    return event.output === true ? 'valid' : event.output === false ? 'expired' : 'no answer';
  }
  // Stryker disable next-line Regex: no event type holds this prefix other than at its start
  if (/^xstate\.error\.actor\./.test(event.type) || event.type === 'reauth.failed')
    // A TypeError in other words than fetch's is a bug's (validate's, the sign-in's): named, not blamed on the network.
    return isUnreachableFailure(event.error) ? 'network' : event.error instanceof Error ? event.error.name : 'error';
  if (event.type.startsWith('xstate.after.validationTimeout')) return 'timeout';
  if (event.type === 'xstate.done.actor.reauthenticate') return 'token';
  // Stryker disable next-line ArrayDeclaration: the chart's request.held always carries its requests
  if (event.type === 'request.held') return heldDetail(event.requests ?? []);
  if (event.type === 'clock.observed') return `${Number(event.offsetMs)} ms`;
  return undefined;
}

/**
 * A ring buffer of what the session did, filled by the chart's own events
 * (an inspector on the actor: nothing runs per request while the session is
 * healthy) and by adapters' notes.
 *
 * @example
 * const report = createSessionReport({ now: Date.now });
 * report.note('tab.token');
 */
export function createSessionReport(options: { now: () => number }) {
  // Stryker disable next-line ArrayDeclaration: the chart's start (xstate.init) writes the first line before a report can be built
  const entries: ReportEntry[] = [];
  let next = 0;
  const add = (entry: Omit<ReportEntry, 'at'>) => {
    const line = { at: new Date(options.now()).toISOString(), ...entry };
    // Until full, next is entries.length: the write adds the line.
    entries[next] = line;
    next = (next + 1) % size;
  };
  // Stryker disable next-line StringLiteral: no state/held pair equals either string, so the first transition adds its line alike
  let last = '';
  const ordered = () => [...entries.slice(next), ...entries.slice(0, next)];
  return {
    /** The chart took `event` and is now in `snapshot`. */
    transition(event: EventObject, snapshot: { value: unknown; context: SessionContext }) {
      const state = stateLabel(snapshot.value);
      const held = snapshot.context.queue.length;
      // Signs of use, the tab shown or the network back, and the timers looking again at the clock come often and usually change nothing.
      if ((signs.has(event.type) || event.type.startsWith('xstate.after.until')) && `${state}/${held}` === last) return;
      last = `${state}/${held}`;
      const detail = detailOf(event);
      add({ event: event.type, state, held, ...(detail && { detail }) });
    },
    /** An adapter's line: what tab sync heard, a lock it waited for. Words only. */
    note(event: string, detail?: string) {
      add({ event, ...(detail && { detail }) });
    },
    /** The report of the session as `snapshot` has it now: its facts, then the entries. */
    build({ value, context }: { value: unknown; context: SessionContext }, signedIn: boolean): SessionReport {
      return {
        format: 'quiet-session-report/1',
        createdAt: new Date(options.now()).toISOString(),
        state: stateLabel(value),
        signedIn,
        held: context.queue.length,
        clockOffsetMs: context.clockOffsetMs,
        expiresAt: isoOrNull(context.expiresAt),
        limits: { ...context.limits },
        lastReauthError: context.lastReauthError?.name ?? null,
        entries: ordered(),
      };
    },
  };
}

/** An ISO time, or null for none or one beyond any date (an `exp` in microseconds, say). */
const isoOrNull = (ms: number | null) => (ms !== null && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null);
