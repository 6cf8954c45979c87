/** @vitest-environment node */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMachine } from '../../machines/session.machine.ts';
import { createFakeBackend, startServer } from '../support/fake-backend.ts';
import { chartCoverage, type PathStep } from './chart-coverage.ts';
import { createRealSession } from './real-session.ts';
import { createSessionTestModel, serializeState, type ModelEvent } from './session-model.ts';

type Steps = ReturnType<ReturnType<typeof createSessionTestModel>['getSimplePaths']>[number]['steps'];

const model = createSessionTestModel();
const initial = model.getShortestPaths()[0]!.steps[0]!.state;

/** Every simple path from `active`, plus, for each transition they miss, the shortest path through it. */
function generatePaths(): Array<{ name: string; steps: Steps }> {
  const simple = model.getSimplePaths({ allowDuplicatePaths: true });
  // The shortest prefix of a simple path that reaches each vertex: its states are the traversal's own.
  const toVertex = new Map<string, Steps>();
  for (const { steps } of simple) {
    steps.forEach((step, i) => {
      const vertex = serializeState(step.state as never);
      const known = toVertex.get(vertex);
      if (!known || known.length > i + 1) toVertex.set(vertex, steps.slice(0, i + 1));
    });
  }
  const taken = new Set(simple.flatMap((p) => p.steps.map((s, i) => edgeOf(p.steps, i))));
  const extra: Steps[] = [];
  for (const [vertex, { transitions }] of Object.entries(model.getAdjacencyMap())) {
    for (const { event, state } of Object.values(transitions) as Array<Steps[number]>) {
      const steps = [...(toVertex.get(vertex) ?? []), { event, state }] as Steps;
      const edge = edgeOf(steps, steps.length - 1);
      if (!taken.has(edge)) {
        taken.add(edge);
        extra.push(steps);
      }
    }
  }
  return [...simple.map((p) => p.steps), ...extra].map((steps) => ({
    name: steps.slice(1).map((s) => (s.event as ModelEvent).type).join(' → '),
    steps,
  }));
}

function edgeOf(steps: Steps, i: number): string {
  const from = i === 0 ? 'init' : serializeState(steps[i - 1]!.state as never);
  return `${from}|${JSON.stringify(steps[i]!.event)}|${serializeState(steps[i]!.state as never)}`;
}

const paths = generatePaths();
const ran: PathStep[][] = [];
const backend = createFakeBackend();
const server = startServer(backend);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => {
  server.close();
  const coverage = chartCoverage(sessionMachine, ran);
  console.log(coverage.line);
  if (!coverage.complete) throw new Error(`${coverage.line}; not covered: ${coverage.missed.join('; ')}`);
});

describe('every path through the session chart, run against createAuthFetch and the msw backend', () => {
  it.each(paths)('$name', async ({ steps }) => {
    backend.received.length = 0;
    const session = createRealSession(backend);
    const expected = { validations: 0, reauths: 0 };
    const walked: PathStep[] = [];
    try {
      // steps[0] is the initial state (xstate.init)
      for (let i = 1; i < steps.length; i++) {
        const before = steps[i - 1]!.state;
        const { event, state } = steps[i]!;
        if (before.value === 'active') {
          let upcoming = 0;
          for (let j = i + 1; j < steps.length && steps[j - 1]!.state.value !== 'active'; j++) {
            if ((steps[j]!.event as ModelEvent).type === 'request.unauthorized') upcoming++;
          }
          await session.launchInFlight(upcoming);
        }
        await session.cause(event as ModelEvent);
        if (state.value === 'validating' && before.value !== 'validating') expected.validations++;
        if (state.value === 'reauthenticating' && before.value !== 'reauthenticating') expected.reauths++;
        await session.expectToMatch(state as never, expected);
        walked.push({ from: String(before.value), eventType: event.type, to: String(state.value) });
      }
      ran.push(walked);
    } finally {
      session.stop();
    }
  });

  it('starts from an empty, active session', () => {
    expect(initial.value).toBe('active');
    expect(paths.length).toBeGreaterThan(0);
  });
});
