/** @vitest-environment happy-dom */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { ImageUpload } from '../../../src/components/ImageUpload.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { listenToLiveRegions } from '../support/announcements.ts';
import { imageFile } from '../../support/image-files.ts';
import {
  createSessionFixture,
  deferred,
  withSessionFixtures,
  type SessionFixture,
  signInInAnotherTab,
} from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);
afterEach(() => sessionStorage.clear());

const renderUpload = () =>
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <ImageUpload />
    </AuthProvider>,
  );

const pick = (file: File) => fireEvent.change(screen.getByLabelText('Upload a reference image'), { target: { files: [file] } });

const png = (name: string) => imageFile(2048, name, 'image/png', 7);

describe('ImageUpload', () => {
  it.each([
    { what: 'result', file: png('ring.png'), shown: 'ring.png is ready (image/png, 2 KB).' },
    { what: 'issues', file: new File(['plain text'], 'notes.txt', { type: 'text/plain' }), shown: /Unsupported type text\/plain/ },
    { what: 'error', file: png('ring.png'), shown: "Couldn't reach the studio. Check your connection and try again.", fails: true },
  ])("shows Grace none of Ada's upload $what once Grace signs in in another tab", async ({ file, shown, fails }) => {
    fixture = await createSessionFixture({ signedIn: true });
    if (fails) server.use(http.post(`${location.origin}/api/images/validate`, () => HttpResponse.error()));
    renderUpload();
    pick(file);
    await screen.findByText(shown);

    await signInInAnotherTab(fixture);
    expect(screen.queryByText(shown)).toBeNull();
  });

  it('names the image as it was picked, not as the browser escaped it for the upload', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    // What FastAPI answers for Chromium's upload of `ring "gold".png`: the multipart header's %22, kept.
    server.use(
      http.post(`${location.origin}/api/images/validate`, () =>
        HttpResponse.json({ valid: true, filename: 'ring %22gold%22.png', content_type: 'image/png', size_bytes: 2048, issues: [] }),
      ),
    );
    renderUpload();
    pick(png('ring "gold".png'));
    await screen.findByText('ring "gold".png is ready (image/png, 2 KB).');
  });

  it("gives up Ada's upload still out when Grace signs in, and shows Grace only her own", async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const answer = deferred<void>();
    const aborted: string[] = [];
    server.use(
      http.post(
        `${location.origin}/api/images/validate`,
        async ({ request }) => {
          request.signal.addEventListener('abort', () => aborted.push('ring.png'));
          await answer.promise;
          return HttpResponse.json({ valid: true, filename: 'ring.png', content_type: 'image/png', size_bytes: 2048, issues: [] });
        },
        { once: true },
      ),
    );
    renderUpload();
    pick(png('ring.png'));
    await screen.findByText('Checking ring.png…');

    await signInInAnotherTab(fixture);
    expect(screen.queryByText('Checking ring.png…')).toBeNull();
    // Its answer, late, would be Ada's: the upload is given up, so it shows to nobody.
    await waitFor(() => expect(aborted).toEqual(['ring.png']));
    answer.resolve();

    pick(png('grace.png'));
    await screen.findByText('grace.png is ready (image/png, 2 KB).');
    expect(screen.queryByText(/ring\.png/)).toBeNull();
  });

  it('reads out what the check of each picked image says, the same words again too', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderUpload();
    const heard = listenToLiveRegions();
    pick(png('ring.png'));
    await screen.findByText('ring.png is ready (image/png, 2 KB).');
    const notes = new File(['plain text'], 'notes.txt', { type: 'text/plain' });
    pick(notes);
    await waitFor(() => expect(heard.heard).toHaveLength(4));
    // Picked again, to try again: the answer is read again, or the pick seems to have done nothing.
    pick(notes);
    await waitFor(() => expect(heard.heard).toHaveLength(6));
    // Politely, as a status: nothing flashes; "Checking…" too, or the wait is silent.
    expect(heard.stop()).toEqual([
      'Checking ring.png…',
      'ring.png is ready (image/png, 2 KB).',
      'Checking notes.txt…',
      'Unsupported type text/plain: use PNG, JPEG or WebP.',
      'Checking notes.txt…',
      'Unsupported type text/plain: use PNG, JPEG or WebP.',
    ]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says after a reload that the image picked before it is not kept, until another is picked', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const first = renderUpload();
    pick(png('ring.png'));
    await screen.findByText('ring.png is ready (image/png, 2 KB).');

    // A reload: the page and the picked file go, this tab's sessionStorage stays.
    first.unmount();
    renderUpload();
    const notKept = 'ring.png, picked before the page was reloaded or left, is not kept: pick it again.';
    await screen.findByText(notKept);

    pick(png('bracelet.png'));
    await screen.findByText('bracelet.png is ready (image/png, 2 KB).');
    expect(screen.queryByText(notKept)).toBeNull();

    // Grace, in this tab after a reload: Ada's picks are not hers to be told of.
    await signInInAnotherTab(fixture);
    cleanup();
    renderUpload();
    await screen.findByText('Upload a reference image');
    expect(screen.queryByText(/bracelet\.png|ring\.png/)).toBeNull();
  });

  it('says nothing after a reload of a file the check refused: it is nothing to pick again', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const first = renderUpload();
    pick(new File(['plain text'], 'notes.txt', { type: 'text/plain' }));
    await screen.findByText(/Unsupported type text\/plain/);
    // Reloaded a moment later, as a person does: what the page had to do after the answer is done.
    await act(async () => {});
    first.unmount();
    renderUpload();
    await screen.findByText('Upload a reference image');
    expect(screen.queryByText(/notes\.txt/)).toBeNull();
  });

  it('says an image past the upload limit is larger than 5 MB, as it says of one of 6 MB, not that 20 MB would do', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const first = renderUpload();
    pick(imageFile(6 * 1024 * 1024, 'photo.png'));
    await screen.findByText('The file is larger than 5 MB.');
    // A phone's photo of 21 MB: the backend refuses its upload by size alone (413), before looking at it.
    pick(imageFile(21 * 1024 * 1024, 'big-photo.png'));
    await waitFor(() => expect(screen.queryByText('Checking big-photo.png…')).toBeNull());
    expect(screen.getByRole('status').textContent).toBe('The file is larger than 5 MB.');
    // Refused, it is nothing to pick again after a reload.
    await act(async () => {});
    first.unmount();
    renderUpload();
    await screen.findByText('Upload a reference image');
    expect(screen.queryByText(/big-photo\.png/)).toBeNull();
  });

  it('says a smaller image was too large for the server, not that it is larger than 5 MB, when a proxy on the way refused it', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    // A proxy in front of the backend with a limit of its own (nginx's is 1 MB), answering 413 in its own words.
    server.use(
      http.post(
        `${location.origin}/api/images/validate`,
        () => new HttpResponse('<html>413 Request Entity Too Large</html>', { status: 413 }),
      ),
    );
    renderUpload();
    pick(imageFile(2 * 1024 * 1024, 'ring.png'));
    await screen.findByText('The file is too large for the server to take. Pick a smaller one.');
    expect(screen.queryByText('The file is larger than 5 MB.')).toBeNull();
  });

  it('reads out why an image could not be checked', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(http.post(`${location.origin}/api/images/validate`, () => HttpResponse.error()));
    renderUpload();
    const heard = listenToLiveRegions();
    pick(png('ring.png'));
    await screen.findByText("Couldn't reach the studio. Check your connection and try again.");
    expect(heard.stop()).toEqual(['Checking ring.png…', "Couldn't reach the studio. Check your connection and try again."]);
  });
});
