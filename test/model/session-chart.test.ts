/** @vitest-environment happy-dom */
import { afterAll, describe, expect, it } from 'vitest';
import type { StateValue } from 'xstate';
import { sessionMachine } from '../../machines/session.machine.ts';
import type { AuthFetchInit } from '../../src/lib/auth-fetch.ts';
import { createFakeBackend } from '../support/fake-backend.ts';
import { serveForTests } from '../support/msw-server.ts';
import { chartCoverage, modelTransitions } from './chart-coverage.ts';
import { eventName, heldReason, type ModelEvent } from './model-events.ts';
import { cause } from './real-causes.ts';
import { createRealSession, sendsIn } from './real-session.ts';
import { expectArmedWait, failuresAfter } from './real-timers.ts';
import { createSessionTestModel, serializeState, withEffectsAsEvents, type ModelKind } from './session-model.ts';

type Steps = ReturnType<ReturnType<typeof createSessionTestModel>['getSimplePaths']>[number]['steps'];
type Path = { kind: ModelKind; name: string; steps: Steps };

const testable = withEffectsAsEvents(sessionMachine);
const named = (kind: ModelKind, steps: Steps): Path => ({
  kind,
  steps,
  name: `${kind}: ${steps
    .slice(1)
    .map((s) => eventName(s.event as ModelEvent))
    .join(' → ')}`,
});

/** Every simple path from `active` through the core model. */
function simplePaths(): Path[] {
  const model = createSessionTestModel('core');
  return model.getSimplePaths({ allowDuplicatePaths: true }).map((p) => named('core', p.steps));
}

/** One path per transition of the full model: the shortest way to its source state, then the transition. */
function transitionPaths(): Path[] {
  const model = createSessionTestModel('full');
  const serialize = (s: unknown) => serializeState(s as never, 'full');
  const toVertex = new Map<string, Steps>();
  for (const p of model.getShortestPaths({ allowDuplicatePaths: true })) {
    const known = toVertex.get(serialize(p.state));
    if (!known || known.length > p.steps.length) toVertex.set(serialize(p.state), p.steps);
  }
  return Object.entries(model.getAdjacencyMap()).flatMap(([vertex, { transitions }]) =>
    (Object.values(transitions) as Array<Steps[number]>).map((step) => named('full', [...toVertex.get(vertex)!, step])),
  );
}

/** The ids of a state value's nodes: { validating: 'checking' } → session.validating, session.validating.checking. */
function stateIds(value: StateValue, prefix = 'session'): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...(v ? stateIds(v, `${prefix}.${k}`) : [])]);
}

/** The calls answered in the holding stretch after step `i`: one per 401 held, one not to send twice per `Date` read. */
function poolFor(steps: Steps, i: number): AuthFetchInit[] {
  if (!sendsIn(steps[i - 1]!.state) || sendsIn(steps[i]!.state)) return [];
  const pool: AuthFetchInit[] = [];
  for (let j = i + 1; j < steps.length && !sendsIn(steps[j - 1]!.state); j++) {
    const event = steps[j]!.event as ModelEvent;
    if (heldReason(event) === 'unauthorized') pool.push({});
    if (event.type === 'clock.observed') pool.push({ replay: false });
  }
  return pool;
}

const paths = [...simplePaths(), ...transitionPaths()];
const taken = new Set<string>();
const visited = new Set<string>();
let passed = 0;
const backend = createFakeBackend();
serveForTests(...backend.handlers);
afterAll(() => {
  const coverage = chartCoverage(sessionMachine, taken, visited, passed);
  console.log(coverage.line);
  if (!coverage.complete || passed !== paths.length) {
    throw new Error(`${coverage.line} of ${paths.length}; not covered: ${coverage.missed.join('; ')}`);
  }
});

describe('every path through the session chart, run against createAuthFetch and the msw backend', () => {
  for (const { name, kind, steps } of paths)
    it(name, async () => {
      backend.received.length = 0;
      const session = createRealSession(backend, kind, steps[1]?.event as ModelEvent | undefined);
      await session.ready;
      const expected = { validations: 0, reauths: 0 };
      const walked: string[] = [];
      const stepsVisited: string[] = [];
      try {
        // steps[0] is the initial state (xstate.init)
        for (let i = 1; i < steps.length; i++) {
          const before = steps[i - 1]!.state;
          const { event, state } = steps[i]!;
          const step = {
            before,
            event: event as ModelEvent,
            state,
            next: steps[i + 1]?.event as ModelEvent | undefined,
            pool: poolFor(steps, i),
          };
          await cause(session.harness, step);
          session.harness.failures = failuresAfter(session.harness.failures, step);
          for (const node of [
            { validating: 'checking' },
            { validating: 'confirming' },
            { offline: 'probing' },
            { offline: 'confirming' },
          ]) {
            // A token adopted while probing, or an expiring one while checking, asks again with it; online, on the network now up.
            const again = event.type === 'token.adopted' || (!('validating' in node) && event.type === 'network.online');
            if (state.matches(node) && (!before.matches(node) || again)) expected.validations++;
          }
          // reauth.requested while the popup is open opens a new one.
          if (state.matches('reauthenticating') && (!before.matches('reauthenticating') || event.type === 'reauth.requested'))
            expected.reauths++;
          await session.expectToMatch(before as never, state as never, expected);
          expectArmedWait(session.harness, state as never);
          // The real chart took the very transitions the model's did: no more, no fewer.
          const real = session.transitions.take();
          expect(real).toEqual(modelTransitions(testable, before, event));
          walked.push(...real);
          stepsVisited.push(...stateIds(state.value));
        }
        for (const t of walked) taken.add(t);
        for (const s of stepsVisited) visited.add(s);
        passed++;
      } finally {
        session.stop();
        backend.network.down = false;
      }
    });

  it('generates paths from an empty, active session', () => {
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every(({ steps }) => steps[0]!.state.matches({ active: 'quiet' }))).toBe(true);
  });
});
