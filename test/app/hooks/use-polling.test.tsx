/** @vitest-environment happy-dom */
import { render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServicesHealthPanel } from '../../../src/components/ServicesHealthPanel.tsx';
import { WorkflowPanel } from '../../../src/components/WorkflowPanel.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

afterEach(() => {
  vi.useRealTimers();
});

/** Resolves once `check` holds, looked at each turn of the event loop: findBy* waits on a timer the test's clock holds back. */
async function turnsUntil(check: () => boolean) {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The polls' clock, which the test moves, on a whole second (an HTTP date's `Retry-After` says whole seconds), and
 * `polled(n)`: resolves at the n-th poll. A word, not vi.waitFor, which would move the clock itself.
 */
function pollsOnTestClock() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  let polls = 0;
  const waits = new Map<number, () => void>();
  return {
    /** Counts a poll; the backend's handler calls it. */
    poll: () => {
      polls += 1;
      waits.get(polls)?.();
    },
    count: () => polls,
    polled: (n: number) => new Promise<void>((resolve) => (polls >= n ? resolve() : waits.set(n, resolve))),
  };
}

/** The services-health panel, polling every 20 ms, for the current fixture. */
const renderHealthPanel = () =>
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <ServicesHealthPanel intervalMs={20} />
    </AuthProvider>,
  );

describe('usePolling', () => {
  it('waits as long as a 429 says in Retry-After before it polls again, not its own interval', async () => {
    const polls = pollsOnTestClock();
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () => {
        polls.poll();
        return HttpResponse.json({ detail: 'Too many requests' }, { status: 429, headers: { 'Retry-After': '30' } });
      }),
    );
    renderHealthPanel();
    await turnsUntil(() => screen.queryByText(/429/) !== null);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(polls.count()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await polls.polled(2);
  });

  it('waits until the date a 503 gives in Retry-After', async () => {
    const polls = pollsOnTestClock();
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () => {
        polls.poll();
        const later = new Date(Date.now() + 60_000).toUTCString();
        return new HttpResponse('<html><body>Service Unavailable</body></html>', {
          status: 503,
          headers: { 'content-type': 'text/html', 'Retry-After': later },
        });
      }),
    );
    renderHealthPanel();
    await turnsUntil(() => screen.queryByText(/^The studio is having trouble/) !== null);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(polls.count()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await polls.polled(2);
  });

  it('still polls at its interval after an error that names no wait', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    let polls = 0;
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () => {
        polls += 1;
        return HttpResponse.json({ detail: 'Internal Server Error' }, { status: 500 });
      }),
    );
    renderHealthPanel();
    await waitFor(() => expect(polls).toBeGreaterThanOrEqual(3));
  });

  it('keeps asking for the services health through a 404: a proxy mid-deploy, not something gone for good', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    let polls = 0;
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () => {
        polls += 1;
        return HttpResponse.json({ detail: 'Not Found' }, { status: 404 });
      }),
    );
    renderHealthPanel();
    await waitFor(() => expect(polls).toBeGreaterThanOrEqual(3));
  });

  it.each([404, 410])('stops asking for a workflow the backend says is not there (%i): asking again changes nothing', async (status) => {
    fixture = await createSessionFixture({ signedIn: true });
    const polls = { wf_gone: 0, wf_failing: 0 };
    server.use(
      http.get(`${location.origin}/api/workflows/:id/status`, ({ params }) => {
        const id = params.id as keyof typeof polls;
        polls[id] += 1;
        return id === 'wf_gone'
          ? HttpResponse.json({ detail: 'Workflow not found' }, { status })
          : HttpResponse.json({ detail: 'Temporal is down' }, { status: 500 });
      }),
    );
    // A design kept across reloads, whose workflow the backend has since forgotten; beside it, one the backend fails to check.
    const generation = (workflow_id: string) => ({ generation_id: 'gen_1', workflow_id, prompt: 'A sapphire ring', credits_remaining: 3 });
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <WorkflowPanel generation={generation('wf_gone')} />
        <WorkflowPanel generation={generation('wf_failing')} />
      </AuthProvider>,
    );
    await screen.findByText(`Checking the workflow failed (${status}: Workflow not found).`);
    // The failing one is asked again each second: two more of its polls, and the one not there was asked no more.
    await waitFor(() => expect(polls.wf_failing).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    expect(polls.wf_gone).toBe(1);
  });
});
