/** @vitest-environment node */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateValue } from 'xstate';
import { sessionMachine } from '../../machines/session.machine.ts';
import { createFakeBackend, startServer } from '../support/fake-backend.ts';
import { chartCoverage, takenTransitions } from './chart-coverage.ts';
import { createRealSession } from './real-session.ts';
import { createSessionTestModel, eventName, heldReason, serializeState, withEffectsAsEvents, type ModelEvent, type ModelKind } from './session-model.ts';

type Steps = ReturnType<ReturnType<typeof createSessionTestModel>['getSimplePaths']>[number]['steps'];


const testable = withEffectsAsEvents(sessionMachine);
type Path = { kind: ModelKind; name: string; steps: Steps };

const named = (kind: ModelKind, steps: Steps): Path => ({
  kind,
  steps,
  name: `${kind}: ${steps.slice(1).map((s) => eventName(s.event as ModelEvent)).join(' → ')}`,
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

const paths = [...simplePaths(), ...transitionPaths()];
const taken = new Set<string>();
const visited = new Set<string>();
let passed = 0;
const backend = createFakeBackend();
const server = startServer(backend);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => {
  server.close();
  const coverage = chartCoverage(sessionMachine, taken, visited, passed);
  console.log(coverage.line);
  if (!coverage.complete || passed !== paths.length) {
    throw new Error(`${coverage.line} of ${paths.length}; not covered: ${coverage.missed.join('; ')}`);
  }
});

describe('every path through the session chart, run against createAuthFetch and the msw backend', () => {
  for (const { name, kind, steps } of paths) it(name, async () => {
    backend.received.length = 0;
    const session = createRealSession(backend, kind);
    const expected = { validations: 0, reauths: 0 };
    const walked: string[] = [];
    try {
      // steps[0] is the initial state (xstate.init)
      for (let i = 1; i < steps.length; i++) {
        const before = steps[i - 1]!.state;
        const { event, state } = steps[i]!;
        if (before.value === 'active') {
          let upcoming = 0;
          for (let j = i + 1; j < steps.length && steps[j - 1]!.state.value !== 'active'; j++) {
            if (heldReason(steps[j]!.event as ModelEvent) === 'unauthorized') upcoming++;
          }
          await session.beforeLeavingActive(event as ModelEvent, upcoming);
        }
        await session.cause(event as ModelEvent);
        const checking = { validating: 'checking' } as const;
        if (state.matches(checking) && !before.matches(checking)) expected.validations++;
        if (state.matches('reauthenticating') && !before.matches('reauthenticating')) expected.reauths++;
        await session.expectToMatch(state as never, expected);
        walked.push(...takenTransitions(testable, before, event));
        stateIds(state.value).forEach((id) => visited.add(id));
      }
      walked.forEach((t) => taken.add(t));
      passed++;
    } finally {
      session.stop();
    }
  });

  it('generates paths from an empty, active session', () => {
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every(({ steps }) => steps[0]!.state.value === 'active')).toBe(true);
  });
});
