/** @vitest-environment happy-dom */
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { GoogleConsentPage } from '../../../src/mocks/GoogleConsentPage.tsx';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

withSessionFixtures(() => fixture);

describe('GoogleConsentPage', () => {
  it('says in plain words that the network is down when an account is chosen offline, never the browser\'s "Failed to fetch"', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    // The dev panel's "Go offline", turned before Reconnect: the popup shares the switch.
    fixture.store.setNetworkDown(true);
    render(<GoogleConsentPage />);
    fireEvent.click(screen.getByRole('button', { name: /Ada Lovelace/ }));
    const problem = await screen.findByText(/connection/i, { selector: '.problem' });
    expect(problem.textContent).not.toMatch(/failed to fetch|fetch failed|networkerror|typeerror/i);
    // Still there to choose once the connection is back.
    expect(screen.getByRole('button', { name: /Ada Lovelace/ }).hasAttribute('disabled')).toBe(false);
  });
});
