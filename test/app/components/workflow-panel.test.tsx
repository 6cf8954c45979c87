/** @vitest-environment happy-dom */
import { render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { WorkflowPanel } from '../../../src/components/WorkflowPanel.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import type { Generation } from '../../../src/lib/jewelry-generate-api.ts';
import { listenToLiveRegions } from '../support/announcements.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

const generation: Generation = { generation_id: 'gen_1_a', workflow_id: 'wf_1_a', prompt: 'A sapphire ring', credits_remaining: 3 };

describe('WorkflowPanel', () => {
  it('says that the workflow failed when Temporal reports FAILED, instead of showing nothing', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const polls: string[] = [];
    server.use(
      http.get(`${location.origin}/api/workflows/:id/status`, ({ params }) => {
        polls.push(String(params.id));
        return HttpResponse.json({ workflow_id: params.id, status: 'FAILED', progress: 0.4 });
      }),
    );
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <WorkflowPanel generation={generation} />
      </AuthProvider>,
    );
    await waitFor(() => expect(polls).toHaveLength(1));
    expect((await screen.findByText(/failed/i)).className).toBe('problem');
  });

  it('reads out that the workflow failed, which a screen-reader user would not otherwise hear of', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.get(`${location.origin}/api/workflows/:id/status`, ({ params }) =>
        HttpResponse.json({ workflow_id: params.id, status: 'FAILED', progress: 0.4 }),
      ),
    );
    const heard = listenToLiveRegions();
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <WorkflowPanel generation={generation} />
      </AuthProvider>,
    );
    await screen.findByText(/The workflow failed/);
    // Politely, as a status: nothing flashes.
    expect(heard.stop()).toEqual(['The workflow failed: no design was made. Generate again to try once more.']);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('reads out that the workflow is running and then that it completed, once each, not every percent', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const answers = [
      { status: 'RUNNING', progress: 0.4 },
      { status: 'RUNNING', progress: 0.7 },
      { status: 'COMPLETED', progress: 1, result: { image_url: 'data:image/png;base64,' } },
    ];
    server.use(
      http.get(`${location.origin}/api/workflows/:id/status`, ({ params }) =>
        HttpResponse.json({ workflow_id: params.id, ...(answers.length > 1 ? answers.shift() : answers[0]) }),
      ),
    );
    const heard = listenToLiveRegions();
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <WorkflowPanel generation={generation} />
      </AuthProvider>,
    );
    await screen.findByText('Completed', {}, { timeout: 4_000 });
    expect(heard.stop()).toEqual(['Running…', 'Completed']);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('reads out why the workflow could not be updated', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.get(`${location.origin}/api/workflows/:id/status`, () => HttpResponse.json({ detail: 'Temporal is down' }, { status: 500 })),
    );
    const heard = listenToLiveRegions();
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <WorkflowPanel generation={generation} />
      </AuthProvider>,
    );
    const problem = await screen.findByText(/Temporal is down/);
    expect(heard.stop()).toEqual([problem.textContent]);
  });

  it('says no more that the workflow is running once the backend no longer knows it: its polling has stopped', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    // Running, then forgotten (the backend's key was rotated, say): a 404 ends the polling.
    const answers = [HttpResponse.json({ workflow_id: generation.workflow_id, status: 'RUNNING', progress: 0.4 })];
    server.use(
      http.get(
        `${location.origin}/api/workflows/:id/status`,
        () => answers.shift() ?? HttpResponse.json({ detail: 'Workflow not found' }, { status: 404 }),
      ),
    );
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <WorkflowPanel generation={generation} />
      </AuthProvider>,
    );
    await screen.findByText('Running…');
    await screen.findByText(/Workflow not found/, {}, { timeout: 3_000 });
    // "Running… 40%" for ever beside it would say it is still going, and nothing will ever change it.
    expect(screen.queryByText('Running…')).toBeNull();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
