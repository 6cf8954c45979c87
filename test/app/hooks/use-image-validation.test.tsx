/** @vitest-environment happy-dom */
import { act, renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { waitFor as waitForActor } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { useImageValidation } from '../../../src/hooks/use-image-validation.ts';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';
import { imageFile } from '../../support/image-files.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

/** The hook inside the app's provider, as ImageUpload uses it. */
const renderValidation = () =>
  renderHook(() => useImageValidation(), {
    wrapper: ({ children }: { children: ReactNode }) => (
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        {children}
      </AuthProvider>
    ),
  });

const png = () => imageFile(2048, 'ring.png', 'image/png', 7);

describe('useImageValidation', () => {
  it('uploads the image as multipart and reports what the backend found', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const { result } = renderValidation();
    act(() => result.current.validate(new File(['plain text'], 'notes.txt', { type: 'text/plain' })));
    expect(result.current.state).toEqual({ status: 'checking', filename: 'notes.txt' });
    await waitFor(() => expect(result.current.state.status).toBe('checked'));
    expect(result.current.state).toMatchObject({
      result: { valid: false, issues: [expect.stringMatching(/Unsupported type text\/plain/)] },
    });
  });

  it('reads no file past the upload limit into memory: a video of gigabytes picked with "All files" is refused by its size', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const huge = png();
    Object.defineProperty(huge, 'size', { value: 3 * 1024 ** 3 });
    const read = vi.spyOn(huge, 'arrayBuffer');
    const { result } = renderValidation();
    act(() => result.current.validate(huge));
    await waitFor(() => expect(result.current.state.status).toBe('checked'));
    expect(read).not.toHaveBeenCalled();
  });

  it('holds the upload through an expired session and replays the same file after the reconnect', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    fixture.store.expireSessions();
    const { result } = renderValidation();
    act(() => result.current.validate(png()));
    await waitForActor(fixture.client.actor, (s) => s.matches('needsReauth'));
    expect(result.current.state).toEqual({ status: 'checking', filename: 'ring.png' });
    act(() => fixture.client.reconnect());
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await waitFor(() => expect(result.current.state.status).toBe('checked'));
    expect(result.current.state).toMatchObject({
      result: { valid: true, filename: 'ring.png', size_bytes: 2048, content_type: 'image/png' },
    });
  });

  it("says in plain words that the studio could not be reached when the network fails with the upload out, never fetch's message", async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(http.post(`${location.origin}/api/images/validate`, () => HttpResponse.error()));
    const { result } = renderValidation();
    act(() => result.current.validate(png()));
    await waitFor(() => expect(result.current.state.status).toBe('failed'));
    expect(result.current.state).toEqual({ status: 'failed', message: "Couldn't reach the studio. Check your connection and try again." });
  });
});
