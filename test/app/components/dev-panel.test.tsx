/** @vitest-environment happy-dom */
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DevPanel } from '../../../src/components/DevPanel.tsx';
import { getCredits } from '../../../src/lib/credits-api.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;
withSessionFixtures(() => fixture);

describe('DevPanel', () => {
  it('copies a readable session report with no token in it', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    await getCredits();
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<DevPanel session={fixture.client} />);
    expect(screen.queryByRole('button', { name: 'Expire session' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Copy session report' }));
    await screen.findByText('Copied.');
    const text = writeText.mock.calls[0]![0];
    expect(text).toContain('\n  "format": "quiet-session-report/1"');
    expect(JSON.parse(text)).toMatchObject({
      held: 0,
      entries: expect.arrayContaining([expect.objectContaining({ event: 'xstate.init' })]),
    });
    expect(text).not.toContain(fixture.tokens.getToken()!);
  });

  it('says copying was not allowed where the page has no clipboard (plain http on a LAN address)', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    render(<DevPanel session={fixture.client} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy session report' }));
    expect(await screen.findByText('The browser did not allow copying.')).toBeTruthy();
  });
});
