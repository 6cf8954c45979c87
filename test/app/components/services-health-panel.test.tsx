/** @vitest-environment happy-dom */
import { render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ServicesHealthPanel } from '../../../src/components/ServicesHealthPanel.tsx';
import { createSessionFixture, type SessionFixture, withSessionFixtures } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

describe('ServicesHealthPanel', () => {
  it('says only what failed, not "Checking services…" beside it, when its first check fails', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    let asked = 0;
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () => {
        asked += 1;
        return HttpResponse.json({ detail: 'Internal Server Error' }, { status: 500 });
      }),
    );
    render(<ServicesHealthPanel intervalMs={60_000} />);
    await waitFor(() => expect(asked).toBe(1));
    const panel = await screen.findByRole('region', { name: 'Services' });
    await waitFor(() => expect(panel.textContent).toContain('The studio is having trouble'));
    expect(panel.textContent).not.toContain('Checking services…');
  });

  it('says "Checking services…" until the first answer, then lists the services', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(<ServicesHealthPanel intervalMs={60_000} />);
    const panel = screen.getByRole('region', { name: 'Services' });
    expect(panel.textContent).toContain('Checking services…');
    await waitFor(() => expect(screen.getAllByRole('listitem').length).toBeGreaterThan(0));
    expect(panel.textContent).not.toContain('Checking services…');
  });
});
