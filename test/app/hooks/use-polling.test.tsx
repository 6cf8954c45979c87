/** @vitest-environment happy-dom */
import { render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ServicesHealthPanel } from '../../../src/components/ServicesHealthPanel.tsx';
import { WorkflowPanel } from '../../../src/components/WorkflowPanel.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The services-health panel, polling every 20 ms, for the current fixture. */
const renderHealthPanel = () =>
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <ServicesHealthPanel intervalMs={20} />
    </AuthProvider>,
  );

describe('usePolling', () => {
  it('waits as long as a 429 says in Retry-After before it polls again, not its own interval', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    let polls = 0;
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () => {
        polls += 1;
        return HttpResponse.json({ detail: 'Too many requests' }, { status: 429, headers: { 'Retry-After': '30' } });
      }),
    );
    renderHealthPanel();
    await screen.findByText(/429/);
    await sleep(300);
    expect(polls).toBe(1);
  });

  it('waits until the date a 503 gives in Retry-After', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    let polls = 0;
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () => {
        polls += 1;
        const later = new Date(Date.now() + 60_000).toUTCString();
        return new HttpResponse('<html><body>Service Unavailable</body></html>', {
          status: 503,
          headers: { 'content-type': 'text/html', 'Retry-After': later },
        });
      }),
    );
    renderHealthPanel();
    await screen.findByText(/^The studio is having trouble/);
    await sleep(300);
    expect(polls).toBe(1);
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
