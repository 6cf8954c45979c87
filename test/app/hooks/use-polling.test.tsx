/** @vitest-environment happy-dom */
import { render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ServicesHealthPanel } from '../../../src/components/ServicesHealthPanel.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <ServicesHealthPanel intervalMs={20} />
      </AuthProvider>,
    );
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
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <ServicesHealthPanel intervalMs={20} />
      </AuthProvider>,
    );
    await screen.findByText(/503/);
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
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <ServicesHealthPanel intervalMs={20} />
      </AuthProvider>,
    );
    await waitFor(() => expect(polls).toBeGreaterThanOrEqual(3));
  });
});
