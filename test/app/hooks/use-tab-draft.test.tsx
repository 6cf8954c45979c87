/** @vitest-environment happy-dom */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AppShell } from '../../../src/components/AppShell.tsx';
import { SessionExpiredBanner } from '../../../src/components/SessionExpiredBanner.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { navigate } from '../../../src/lib/navigation.ts';
import { otherMockAccount, type MockAccount } from '../../../src/mocks/mock-data.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

withSessionFixtures(() => fixture);
afterEach(() => {
  sessionStorage.clear();
  navigate('/');
});

/** The app as main.tsx renders it; a second call is what a reload of the tab renders (React's state is gone, the tab's storage is not). */
function renderApp() {
  cleanup();
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <SessionExpiredBanner />
      <AppShell />
    </AuthProvider>,
  );
}

const prompt = () => screen.findByLabelText<HTMLTextAreaElement>('Prompt');
async function typeDraft(text: string) {
  fireEvent.change(await prompt(), { target: { value: text } });
}

/** What the browser tells this tab when another tab of the app signs out, or signs in as `account`. */
async function anotherTab(does: 'signs out' | 'signs in', account?: MockAccount) {
  const token = does === 'signs in' ? await fixture.issueToken(account) : null;
  if (token) fixture.storage.setItem('quiet-session.token', token);
  else fixture.storage.removeItem('quiet-session.token');
  act(() => void window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.token', newValue: token })));
}

describe('useTabDraft', () => {
  it('brings the studio draft back after a reload of the tab', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderApp();
    await typeDraft('A rose-gold ring');
    renderApp();
    expect((await prompt()).value).toBe('A rose-gold ring');
  });

  it('brings it back after a reload on an expired session, under the banner', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderApp();
    await typeDraft('A rose-gold ring');
    fixture.store.expireSessions();
    renderApp();
    expect((await prompt()).value).toBe('A rose-gold ring');
    expect((await screen.findByRole('alert')).textContent).toContain('Session expired');
  });

  it('forgets it when the user signs out in this tab', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderApp();
    await typeDraft('A rose-gold ring');
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await anotherTab('signs in');
    expect((await prompt()).value).toBe('');
  });

  it('keeps it when another tab signs out, and gives it back when the same account signs in again', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderApp();
    await typeDraft('A rose-gold ring');
    await anotherTab('signs out');
    await screen.findByRole('button', { name: 'Sign in with Google' });
    renderApp(); // reloaded while signed out, even
    await anotherTab('signs in');
    expect((await prompt()).value).toBe('A rose-gold ring');
  });

  it('clears it when another account signs in after a sign-out elsewhere: a reload never shows it to them', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderApp();
    await typeDraft('A rose-gold ring');
    await anotherTab('signs out');
    await anotherTab('signs in', otherMockAccount);
    expect((await prompt()).value).toBe('');
    // Grace signs out elsewhere and Ada comes back: Ada's draft went when Grace came.
    await anotherTab('signs out');
    await anotherTab('signs in');
    expect((await prompt()).value).toBe('');
  });

  it('keeps what is on screen when another account signs in without a sign-out, and keeps it for them across a reload', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderApp();
    await typeDraft('A rose-gold ring');
    await anotherTab('signs in', otherMockAccount);
    await screen.findByText('Grace Hopper');
    expect((await prompt()).value).toBe('A rose-gold ring');
    renderApp();
    expect((await prompt()).value).toBe('A rose-gold ring');
  });

  it('brings the admin page back to the page it was on after a reload', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    navigate('/admin/batches');
    renderApp();
    await screen.findByText('batch-001');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('batch-011');
    renderApp();
    await screen.findByText('batch-011');
    expect(screen.queryByText('batch-001')).toBeNull();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Previous' }).getAttribute('aria-disabled')).toBeNull());
  });
});
