/** @vitest-environment happy-dom */
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { GoogleCallback } from '../../../src/pages/GoogleCallback.tsx';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

withSessionFixtures(() => fixture);

describe('GoogleCallback', () => {
  it('leaves no code or state in the address once it has read them', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    window.history.pushState(null, '', '/auth/google/callback?code=4%2Fone-use-code&state=s-1&scope=openid');
    render(<GoogleCallback />);
    expect(await screen.findByRole('status')).toBeTruthy();
    // A window left open, the back button, a reload: none of them finds the one-use code.
    expect(window.location.href).toBe(`${window.location.origin}/auth/google/callback`);
  });
});
