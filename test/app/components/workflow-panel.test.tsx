/** @vitest-environment happy-dom */
import { render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { WorkflowPanel } from '../../../src/components/WorkflowPanel.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import type { Generation } from '../../../src/lib/jewelry-generate-api.ts';
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
});
