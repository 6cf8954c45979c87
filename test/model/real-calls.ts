import { expect } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import type { sessionMachine } from '../../machines/session.machine.ts';
import type { AuthFetch, AuthFetchInit } from '../../src/lib/auth-fetch.ts';
import { API, type FakeBackend } from '../support/fake-backend.ts';

type Snapshot = SnapshotFrom<typeof sessionMachine>;
export interface Call {
  path: string;
  controller: AbortController;
  promise: Promise<Response>;
  outcome: { settled: boolean; status?: number; error?: unknown; token?: string | null };
  open?: (status?: number, headers?: Record<string, string>) => void;
  reached?: Promise<void>;
}

const timeout = 2_000;

/** `promise`, or a rejection that names `what` when it hangs. */
export async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hangs = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle`)), timeout)));
  try {
    return await Promise.race([promise, hangs]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The calls a path makes through `authFetch`, each to its own API path, and what is known of their outcome.
 * `token()`: the token stored when a call is answered (its last send must have carried it).
 *
 * @example
 * const calls = createCalls(client.authFetch, backend, () => store.token);
 * await calls.expectOutcome(calls.call('bare'), { status: 200 });
 */
export function createCalls(authFetch: AuthFetch, backend: FakeBackend, token: () => string | null) {
  const all: Call[] = [];
  /** Calls sent before a holding stretch and kept at the backend, to answer there (a 401, a `Date`). */
  const pool: Call[] = [];
  /** Calls whose outcome is not checked yet. */
  const unchecked = new Set<Call>();

  /** A call to the API: `gated`, it waits at the backend to be answered; `bare`, a URL and nothing else (the hot path). */
  function call(gated: boolean | 'bare', init?: AuthFetchInit): Call {
    const path = `/api/call-${all.length + 1}`;
    const controller = new AbortController();
    const gate = gated === true ? backend.gate(path) : undefined;
    const headers = gate ? { 'x-gate': path } : undefined;
    const url = `${API}${path}`;
    const promise = gated === 'bare' ? authFetch(url) : authFetch(url, { headers, signal: controller.signal, ...init });
    const made: Call = { path, controller, promise, outcome: { settled: false }, open: gate?.open, reached: gate?.reached };
    promise.then(
      (r) => Object.assign(made.outcome, { settled: true, status: r.status, token: token() }),
      (error: unknown) => Object.assign(made.outcome, { settled: true, error }),
    );
    all.push(made);
    unchecked.add(made);
    return made;
  }

  /** Calls the next holding stretch of the path answers at the backend, sent now and waiting there. */
  async function launchPool(inits: AuthFetchInit[]) {
    const launched = inits.map((init) => call(true, init));
    await within(Promise.all(launched.map((c) => c.reached)), 'a pooled call reaching the backend');
    pool.push(...launched);
  }

  /** A call whose outcome is checked now: it rejects with `type`, or answers `status`. */
  async function expectOutcome(c: Call, outcome: { rejects: new (...args: never[]) => unknown } | { status: number }) {
    unchecked.delete(c);
    if ('rejects' in outcome) await expect(within(c.promise, c.path)).rejects.toBeInstanceOf(outcome.rejects);
    else expect((await within(c.promise, c.path)).status).toBe(outcome.status);
  }

  return {
    all,
    pool,
    call,
    launchPool,
    expectOutcome,
    /** Calls not checked yet, pooled ones aside: those the state's rules apply to. */
    waiting: () => [...unchecked].filter((c) => !pool.includes(c)),
    /** The unchecked calls the chart's queue shows as held. */
    heldCalls: (s: Snapshot) => [...unchecked].filter((c) => s.context.queue.some((r) => r.url === `${API}${c.path}`)),
  };
}
