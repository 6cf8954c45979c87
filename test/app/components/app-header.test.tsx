/** @vitest-environment happy-dom */
import { act, render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { waitFor as waitForActor } from 'xstate';
import { AppHeader } from '../../../src/components/AppHeader.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { mockAccount, otherMockAccount, type MockAccount } from '../../../src/mocks/mock-data.ts';
import { createSessionFixture, deferred, type SessionFixture, withSessionFixtures } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

function renderHeader() {
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <AppHeader path="/" />
    </AuthProvider>,
  );
}

async function headerFor(account: MockAccount) {
  fixture = await createSessionFixture({ signedIn: false });
  fixture.tokens.setToken(await fixture.issueToken(account));
  renderHeader();
  // The profile has loaded: the header knows who this is, and what they may do.
  await waitFor(() => expect(fixture.tokens.getUser()?.name).toBe(account.name));
}

/** As a reload finds it offline, signed in before the profile ever came: a token stored, no profile, no network. */
async function reloadedOfflineBeforeTheProfile(token: (fixture: SessionFixture) => Promise<string>) {
  fixture = await createSessionFixture({ signedIn: false });
  fixture.tokens.setToken(await token(fixture));
  server.use(http.get(`${location.origin}/auth/me`, () => HttpResponse.error()));
  renderHeader();
  await waitForActor(fixture.client.actor, (s) => s.matches('offline'));
}

const shownUser = () => document.querySelector('header .user')?.textContent;

describe('AppHeader', () => {
  it('offers a member no link to the admins’ page, which would only answer "Admins only"', async () => {
    await headerFor(otherMockAccount);
    expect(otherMockAccount.role).toBe('member');
    expect(screen.getByRole('link', { name: 'Studio' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Admin batches' })).toBeNull();
  });

  it('offers an admin the link to the batches', async () => {
    await headerFor(mockAccount);
    expect(mockAccount.role).toBe('admin');
    expect(screen.getByRole('link', { name: 'Admin batches' })).toBeTruthy();
  });

  it('names who is signed in, as their token says, after a reload offline before the profile came', async () => {
    await reloadedOfflineBeforeTheProfile((f) => f.issueToken(otherMockAccount));
    expect(shownUser()).toBe('Grace Hopper');
    expect(fixture.tokens.getUser()).toBeNull();
  });

  it('says only that someone is signed in when neither the profile nor the token names them', async () => {
    // A token of a backend that puts no name nor email in it.
    await reloadedOfflineBeforeTheProfile(async () => 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyLWFkYSJ9.');
    expect(shownUser()).toBe('Signed in');
  });

  it('offers the link to the batches only once the profile says admin, taking no focus as it comes', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    fixture.tokens.setToken(await fixture.issueToken(mockAccount));
    let reachable = false;
    // Reloaded offline before the profile came: the token says who, only the profile says what they may do.
    server.use(http.get(`${location.origin}/auth/me`, () => (reachable ? undefined : HttpResponse.error())));
    renderHeader();
    await waitForActor(fixture.client.actor, (s) => s.matches('offline'));
    expect(screen.queryByRole('link', { name: 'Admin batches' })).toBeNull();
    const studio = screen.getByRole('link', { name: 'Studio' });
    act(() => studio.focus());

    reachable = true;
    act(() => void window.dispatchEvent(new Event('online')));
    await screen.findByRole('link', { name: 'Admin batches' });
    expect(document.activeElement).toBe(studio);
  });

  it('keeps the keyboard in the header when the link goes from under it: the profile says member now', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    fixture.tokens.setToken(await fixture.issueToken(mockAccount));
    // Admin as last known; the backend's profile says member now.
    fixture.tokens.setUser(mockAccount);
    const demoted = deferred<void>();
    server.use(
      http.get(`${location.origin}/auth/me`, async () => {
        await demoted.promise;
        return HttpResponse.json({ ...mockAccount, role: 'member' });
      }),
    );
    renderHeader();
    act(() => screen.getByRole('link', { name: 'Admin batches' }).focus());

    demoted.resolve();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Admin batches' })).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('link', { name: 'Studio' }));
  });
});
