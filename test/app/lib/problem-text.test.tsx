/** @vitest-environment happy-dom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { waitFor as waitForActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { GenerateForm } from '../../../src/components/GenerateForm.tsx';
import { ServicesHealthPanel } from '../../../src/components/ServicesHealthPanel.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { PopupClosedError } from '../../../src/lib/session/errors.ts';
import { otherMockAccount } from '../../../src/mocks/mock-data.ts';
import { AdminBatches } from '../../../src/pages/AdminBatches.tsx';
import { createSessionFixture, onlineAfterEachCutOff, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

const renderInApp = (children: ReactNode) =>
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      {children}
    </AuthProvider>,
  );

/** The network drops while the call is out: fetch rejects with its TypeError ("Failed to fetch"). */
const dropped = (method: 'get' | 'post', path: string) => server.use(http[method](`${location.origin}${path}`, () => HttpResponse.error()));

async function generate(prompt = 'A sapphire ring') {
  fireEvent.change(await screen.findByLabelText('Prompt'), { target: { value: prompt } });
  fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
}

/** Generate pressed on an expired session: held, the banner would be asking to reconnect. */
async function generateHeld() {
  renderInApp(<GenerateForm onStarted={() => {}} />);
  // The profile the provider loads is in first: only the Generate is held.
  await waitFor(() => expect(fixture.tokens.getUser()).not.toBeNull());
  fixture.store.expireSessions();
  await generate();
  await waitForActor(
    fixture.client.actor,
    (s) => s.matches('needsReauth') && s.context.queue.some((held) => held.url.endsWith('/api/jewelry/generate')),
  );
}

/** Text on screen that is the browser's or the layer's, not ours. */
const technical = /failed to fetch|fetch failed|TypeError|session ended: request not sent/i;

describe('describeProblem', () => {
  it('says a Generate cut off by a dropped connection may have started, not to try again, never fetch\u2019s message', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    dropped('post', '/api/jewelry/generate');
    renderInApp(<GenerateForm onStarted={() => {}} />);
    await generate();
    // The backend may have started it: a Generate pressed again would pay twice.
    expect((await screen.findByText(/^The connection dropped/)).textContent).toBe(
      'The connection dropped before Generate got an answer: it may have started. Credits will say so once it is back.',
    );
    expect(document.body.textContent).not.toMatch(/try again/i);
    expect(document.body.textContent).not.toMatch(technical);
  });

  it('says so on the admin page too', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    dropped('get', '/api/admin/batches');
    renderInApp(<AdminBatches />);
    await onlineAfterEachCutOff(fixture);
    expect((await screen.findByText(/^Couldn't reach the studio/)).textContent).toBe(
      "Couldn't reach the studio. Check your connection and try again.",
    );
    expect(document.body.textContent).not.toMatch(technical);
  });

  it('says a panel that refreshes itself will update once the connection is back', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    dropped('get', '/api/microservices/health');
    renderInApp(<ServicesHealthPanel />);
    await onlineAfterEachCutOff(fixture);
    expect((await screen.findByText(/^Couldn't reach the studio/)).textContent).toBe(
      "Couldn't reach the studio. Check your connection; this updates by itself once it's back.",
    );
    expect(document.body.textContent).not.toMatch(technical);
  });

  it('says in words, not a status code, that the studio has trouble when a gateway answers 503, and that the panel updates by itself', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    let down = true;
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () =>
        down
          ? new HttpResponse('<html><body>503 Service Unavailable</body></html>', { status: 503, headers: { 'content-type': 'text/html' } })
          : undefined,
      ),
    );
    renderInApp(<ServicesHealthPanel intervalMs={20} />);
    expect((await screen.findByText(/^The studio is having trouble/)).textContent).toBe(
      "The studio is having trouble; this updates by itself once it's back.",
    );
    expect(document.body.textContent).not.toMatch(/503|Service Unavailable/);
    // Back: the services show and the words go, with no reload.
    down = false;
    expect(await screen.findByText(/jewelry-generate/)).toBeTruthy();
    expect(screen.queryByText(/^The studio is having trouble/)).toBeNull();
  });

  it.each([
    [500, 'Internal Server Error'],
    [502, 'Bad Gateway'],
    [503, 'Service Unavailable'],
    [504, 'Gateway Timeout'],
  ])('says so on the admin page for a %i whose detail is only the status’s name (%s)', async (status, name) => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(http.get(`${location.origin}/api/admin/batches`, () => HttpResponse.json({ detail: name }, { status })));
    renderInApp(<AdminBatches />);
    expect((await screen.findByText(/^The studio is having trouble/)).textContent).toBe(
      'The studio is having trouble. Try again in a moment.',
    );
    expect(document.body.textContent).not.toContain(String(status));
    expect(document.body.textContent).not.toContain(name);
  });

  it('keeps the status of a 4xx that a gateway answered with its own page: the studio is not in trouble', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.get(
        `${location.origin}/api/admin/batches`,
        () => new HttpResponse('<html><body>403 Forbidden</body></html>', { status: 403, headers: { 'content-type': 'text/html' } }),
      ),
    );
    renderInApp(<AdminBatches />);
    expect(await screen.findByText(/\(403\)/)).toBeTruthy();
    expect(screen.queryByText(/^The studio is having trouble/)).toBeNull();
  });

  it.each([
    'Batches are being moved. Back in 5 minutes.',
    // A status's name, and more: words chosen for people.
    'Service unavailable until 14:00 for maintenance.',
  ])('keeps the words a backend chose for a 5xx: %s', async (detail) => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(http.get(`${location.origin}/api/admin/batches`, () => HttpResponse.json({ detail }, { status: 503 })));
    renderInApp(<AdminBatches />);
    expect(await screen.findByText(detail, { exact: false })).toBeTruthy();
  });

  it.each([500, 503])('keeps the words a backend chose for a %i on a polled panel, and says it updates by itself', async (status) => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.get(`${location.origin}/api/microservices/health`, () => HttpResponse.json({ detail: 'Temporal is down' }, { status })),
    );
    renderInApp(<ServicesHealthPanel intervalMs={20} />);
    expect((await screen.findByText(/Temporal is down/)).textContent).toBe(
      `Checking services failed (${status}: Temporal is down). This updates by itself once it's back.`,
    );
  });

  it('says nothing while the connection is gone: the panel\u2019s update waits, and shows once it is back', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(http.get(`${location.origin}/api/microservices/health`, () => HttpResponse.error(), { once: true }));
    renderInApp(<ServicesHealthPanel />);
    await waitForActor(fixture.client.actor, (s) => s.matches('offline'));
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(screen.queryByText(/^Couldn't reach the studio/)).toBeNull();

    window.dispatchEvent(new Event('online'));
    expect(await screen.findByText(/jewelry-generate/)).toBeTruthy();
    expect(screen.queryByText(/^Couldn't reach the studio/)).toBeNull();
  });

  it('says that another account signed in when a held Generate is given up for it, and what to do', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    await generateHeld();
    fixture.client.reconnect();
    fixture.reauths[0]!.resolve(await fixture.issueToken(otherMockAccount));
    expect((await screen.findByText(/^Signed in as another account/)).textContent).toBe(
      'Signed in as another account — this request was not sent. Try again.',
    );
    expect(document.body.textContent).not.toMatch(technical);
  });

  it('says that signing in did not finish when the session gives a held Generate up', async () => {
    fixture = await createSessionFixture({ signedIn: true, limits: { reauthAttempts: 1 } });
    await generateHeld();
    fixture.client.reconnect();
    fixture.reauths[0]!.reject(new PopupClosedError());
    expect((await screen.findByText(/^Signing in didn't finish/)).textContent).toBe(
      "Signing in didn't finish, so this request was not sent. Reconnect, then try again.",
    );
  });
});
