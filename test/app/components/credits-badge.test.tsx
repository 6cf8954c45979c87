/** @vitest-environment happy-dom */
import { render, screen, waitFor } from '@testing-library/react';
import { useLayoutEffect } from 'react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { CreditsBadge } from '../../../src/components/CreditsBadge.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { useAuth } from '../../../src/hooks/use-auth.ts';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { otherMockAccount } from '../../../src/mocks/mock-data.ts';
import { listenToLiveRegions } from '../support/announcements.ts';
import {
  createSessionFixture,
  deferred,
  withSessionFixtures,
  type SessionFixture,
  signInInAnotherTab,
} from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

const badge = (refreshKey: string) => (
  <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
    <CreditsBadge refreshKey={refreshKey} />
  </AuthProvider>
);

/** Notes, at each commit, whose token it is and the balance the badge shows then. */
function CommitRecorder({ seen }: { seen: string[] }) {
  const { account } = useAuth();
  useLayoutEffect(() => void seen.push(`${account}: ${document.querySelector('.badge')?.textContent}`));
  return null;
}

/** The credits calls from now on wait for `gate`, then reach the mock backend. */
function slowCredits() {
  const gate = deferred<void>();
  const asked: string[] = [];
  server.use(
    http.get(`${location.origin}/api/credits`, async ({ request }) => {
      asked.push(request.headers.get('authorization') ?? '');
      await gate.promise;
      return undefined;
    }),
  );
  return { gate, asked };
}

describe('CreditsBadge', () => {
  it('keeps the balance on screen while it asks again after a Generate, then shows the new one', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const view = render(badge('gen_1'));
    await waitFor(() => expect(fixture.tokens.getUser()).not.toBeNull());
    await screen.findByText('Credits: 25');

    // A Generate was paid for; the refresh takes its time (a slow backend, a connection that drops, a held call).
    fixture.store.setCredits(24);
    const { gate, asked } = slowCredits();
    view.rerender(badge('gen_2'));
    await waitFor(() => expect(asked).toHaveLength(1));
    expect(screen.getByText(/^Credits:/).textContent).toBe('Credits: 25');

    gate.resolve();
    await screen.findByText('Credits: 24');
  });

  it('shows Grace no balance of Ada’s while Grace’s own loads', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(badge('gen_1'));
    await waitFor(() => expect(fixture.tokens.getUser()).not.toBeNull());
    await screen.findByText('Credits: 25');
    fixture.store.setCredits(7, otherMockAccount.id);
    const { gate, asked } = slowCredits();

    const token = await signInInAnotherTab(fixture);
    await waitFor(() => expect(asked).toContain(`Bearer ${token}`));
    expect(screen.getByText(/^Credits:/).textContent).toBe('Credits: …');

    gate.resolve();
    await screen.findByText('Credits: 7');
  });

  it('never shows Ada’s balance beside Grace’s token, not even for the one commit before Grace’s is asked for', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const seen: string[] = [];
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <CreditsBadge refreshKey="gen_1" />
        <CommitRecorder seen={seen} />
      </AuthProvider>,
    );
    await screen.findByText('Credits: 25');
    fixture.store.setCredits(7, otherMockAccount.id);

    await signInInAnotherTab(fixture);
    await screen.findByText('Credits: 7');
    expect(seen).not.toContain('user-grace: Credits: 25');
  });

  it('reads out a new balance with what it is: "Credits: 24", not a bare "24"', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const view = render(badge('gen_1'));
    await screen.findByText('Credits: 25');
    const heard = listenToLiveRegions();
    fixture.store.setCredits(24);
    view.rerender(badge('gen_2'));
    await screen.findByText('Credits: 24');
    expect(heard.stop()).toEqual(['Credits: 24']);
  });

  it('says the balance could not be loaded, not "…" as if still loading, when the backend fails to give it', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const asked: string[] = [];
    server.use(
      http.get(`${location.origin}/api/credits`, () => {
        asked.push('credits');
        return HttpResponse.json({ detail: 'Internal Server Error' }, { status: 500 });
      }),
    );
    render(badge('gen_1'));
    await waitFor(() => expect(asked).toHaveLength(1));
    // The answer is in and the next ask is 15 s away: "…" would read as loading all that time.
    await waitFor(() => expect(screen.getByText(/^Credits:/).textContent).toBe('Credits: unavailable'));
  });
});
