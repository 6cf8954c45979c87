/** @vitest-environment happy-dom */
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppHeader } from '../../../src/components/AppHeader.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { mockAccount, otherMockAccount, type MockAccount } from '../../../src/mocks/mock-data.ts';
import { createSessionFixture, type SessionFixture, withSessionFixtures } from '../support/session-fixture.ts';

let fixture: SessionFixture;

withSessionFixtures(() => fixture);

async function headerFor(account: MockAccount) {
  fixture = await createSessionFixture({ signedIn: false });
  fixture.tokens.setToken(await fixture.issueToken(account));
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <AppHeader path="/" />
    </AuthProvider>,
  );
  // The profile has loaded: the header knows who this is.
  await screen.findByText(account.name);
}

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
});
