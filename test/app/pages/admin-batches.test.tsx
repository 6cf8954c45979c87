/** @vitest-environment happy-dom */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { waitFor as waitForActor } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { mockAccount, otherMockAccount } from '../../../src/mocks/mock-data.ts';
import { AdminBatches } from '../../../src/pages/AdminBatches.tsx';
import { listenToLiveRegions } from '../support/announcements.ts';
import {
  createSessionFixture,
  onlineAfterEachCutOff,
  type SessionFixture,
  signInInAnotherTab,
  withSessionFixtures,
} from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);
afterEach(() => sessionStorage.clear());

const pager = () => document.querySelector('.pager span')!.textContent;

/** The admin page for Ada, signed in. */
async function renderSignedIn() {
  fixture = await createSessionFixture({ signedIn: true });
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <AdminBatches />
    </AuthProvider>,
  );
}

/** Expired, Next pressed (held), then Reconnect as Grace, a member: the 403 she gets is on screen. */
async function nextHeldThenReconnectAsMember() {
  fixture.store.expireSessions();
  fireEvent.click(screen.getByRole('button', { name: 'Next' }));
  await waitForActor(fixture.client.actor, (s) => s.matches('needsReauth'));
  fixture.client.reconnect();
  fixture.reauths[0]!.resolve(await fixture.issueToken(otherMockAccount));
  await screen.findByText('Loading batches failed (403: Admins only).');
}

describe('AdminBatches', () => {
  it('says which page is shown while the next one waits: "Page 1 of 5 · loading page 2…"', async () => {
    await renderSignedIn();
    await screen.findByText('batch-001');
    expect(pager()).toBe('Page 1 of 5');
    fixture.store.expireSessions();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitForActor(fixture.client.actor, (s) => s.matches('needsReauth'));
    // Page 1's rows are still what is on screen.
    expect(screen.getByText('batch-001')).toBeTruthy();
    expect(pager()).toBe('Page 1 of 5 · loading page 2…');

    fixture.client.reconnect();
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await screen.findByText('batch-011');
    await waitFor(() => expect(pager()).toBe('Page 2 of 5'));
  });

  it('does not keep an admin’s rows on screen for a member who reconnects: it asks again, as them', async () => {
    await renderSignedIn();
    await screen.findByText('batch-001');
    // Reconnect, as Grace (a member): Ada's held page 2 is given up, and Ada's page 1 is not Grace's to see.
    await nextHeldThenReconnectAsMember();
    expect(screen.queryByText('batch-001')).toBeNull();
    // Nothing is loading: no "of …" that reads as if something were.
    expect(pager()).not.toContain('…');
  });

  it('starts a member who reconnects on page 2 from the first page: no "Page 2" and no live Previous beside the 403', async () => {
    await renderSignedIn();
    await screen.findByText('batch-001');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('batch-011');
    // Reconnect, as Grace: Ada's place in the list is not hers; she has no page 2 to go back from.
    await nextHeldThenReconnectAsMember();
    expect(pager()).toBe('Page 1');
    expect(screen.getByRole('button', { name: 'Previous' }).getAttribute('aria-disabled')).toBe('true');
  });

  it('offers a member no Try again beside "Admins only": asking again would only be refused again', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    fixture.tokens.setToken(await fixture.issueToken(otherMockAccount));
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AdminBatches />
      </AuthProvider>,
    );
    await screen.findByText('Loading batches failed (403: Admins only).');
    await waitFor(() => expect(document.querySelector('table')!.getAttribute('aria-busy')).toBe('false'));
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('does not show Grace what went wrong with Ada’s page while Grace’s own is loading', async () => {
    let answered = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Ada's page fails; the next one (Grace's) takes its time, then goes on to the mock backend.
    const slow = http.get(`${location.origin}/api/admin/batches`, async () => {
      answered += 1;
      if (answered === 1) return HttpResponse.json({ detail: 'Batches are down' }, { status: 500 });
      await gate;
      return undefined;
    });
    fixture = await createSessionFixture({ signedIn: true });
    server.use(slow);
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AdminBatches />
      </AuthProvider>,
    );
    await screen.findByText('Loading batches failed (500: Batches are down).');

    // Grace signs in in another tab: her page is asked for; Ada's failure is not hers.
    await signInInAnotherTab(fixture);
    await waitFor(() => expect(answered).toBe(2));
    expect(screen.getByText('Loading batches…')).toBeTruthy();
    expect(screen.queryByText('Loading batches failed (500: Batches are down).')).toBeNull();

    release();
    await screen.findByText('Loading batches failed (403: Admins only).');
  });

  it('goes back from the page the backend showed when it clamped the one asked for, not from the one asked for', async () => {
    // This tab's page from before a reload, when there were more batches (or Next pressed while a load failed).
    sessionStorage.setItem('quiet-session.drafts', JSON.stringify({ account: 'user-ada', values: { 'admin.page': 9 } }));
    await renderSignedIn();
    await screen.findByText('batch-041');
    expect(pager()).toBe('Page 5 of 5');
    fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await screen.findByText('batch-031');
    await waitFor(() => expect(pager()).toBe('Page 4 of 5'));
  });

  it('keeps the page the backend clamped to, not the one past the last, across a reload of the tab', async () => {
    sessionStorage.setItem('quiet-session.drafts', JSON.stringify({ account: 'user-ada', values: { 'admin.page': 9 } }));
    const asked: string[] = [];
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.get(`${location.origin}/api/admin/batches`, ({ request }) => {
        asked.push(new URL(request.url).searchParams.get('page')!);
        return undefined;
      }),
    );
    const page = () => (
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AdminBatches />
      </AuthProvider>
    );
    const first = render(page());
    await screen.findByText('batch-041');
    expect(pager()).toBe('Page 5 of 5');
    first.unmount();

    // Reloaded: the page on screen comes back, not "Page 9", which there is none of.
    render(page());
    expect(pager()).toBe('Page 5 of …');
    await screen.findByText('batch-041');
    expect(pager()).toBe('Page 5 of 5');
    // The clamped page was not asked for twice.
    expect(asked).toEqual(['9', '5']);
  });

  it('starts from the first page, not from an error it cannot leave, when the page kept for the tab is no page number', async () => {
    // Garbled (a hand edit, another version): the backend refuses it (422), and Try again would only ask it again.
    sessionStorage.setItem('quiet-session.drafts', JSON.stringify({ account: 'user-ada', values: { 'admin.page': 2.5 } }));
    await renderSignedIn();
    await screen.findByText('batch-001');
    expect(pager()).toBe('Page 1 of 5');
    expect(screen.queryByText(/Loading batches failed/)).toBeNull();
  });

  it('shows Ada her page, not loading for ever, when she signs back in while Grace’s page was loading', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await renderSignedIn();
    await screen.findByText('batch-001');
    // Grace's page takes its time; meanwhile Ada signs back in, in another tab.
    server.use(
      http.get(`${location.origin}/api/admin/batches`, async () => {
        await gate;
        return undefined;
      }),
    );
    await signInInAnotherTab(fixture);
    await screen.findByText('Loading batches…');
    await signInInAnotherTab(fixture, mockAccount);
    release();
    await screen.findByText('batch-001');
    await waitFor(() => expect(pager()).toBe('Page 1 of 5'));
    expect(screen.getByRole('button', { name: 'Next' }).hasAttribute('aria-disabled')).toBe(false);
  });

  it('reads out why the next page could not be loaded', async () => {
    await renderSignedIn();
    await screen.findByText('batch-001');
    server.use(http.get(`${location.origin}/api/admin/batches`, () => HttpResponse.json({ detail: 'Batches are down' }, { status: 500 })));
    const heard = listenToLiveRegions();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    const problem = await screen.findByText(/Batches are down/);
    await waitFor(() => expect(document.querySelector('table')!.getAttribute('aria-busy')).toBe('false'));
    // Pressed from the keyboard, Next comes back to "Page 1 of 5": the reason is read out, not only shown.
    expect(heard.stop()).toContain(problem.textContent);
  });

  it('reads out the whole pager line while the next page waits, not only "· loading page 2…"', async () => {
    await renderSignedIn();
    await screen.findByText('batch-001');
    fixture.store.expireSessions();
    const heard = listenToLiveRegions();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitForActor(fixture.client.actor, (s) => s.matches('needsReauth'));
    // Pressed from the keyboard, Next says which page is shown and which one is coming.
    expect(heard.stop()).toEqual(['Page 1 of 5 · loading page 2…']);
  });
});

describe('AdminBatches from the keyboard', () => {
  // Chromium drops focus to the page when the focused button turns `disabled`: the next Tab starts from the top.
  const stillFocusable = (button: HTMLElement) => ({
    disabled: button.hasAttribute('disabled'),
    busy: button.getAttribute('aria-disabled'),
  });

  it('keeps Next focusable while the page it asked for is held, and a second press asks for nothing more', async () => {
    await renderSignedIn();
    await screen.findByText('batch-001');
    fixture.store.expireSessions();
    const next = screen.getByRole('button', { name: 'Next' });
    next.focus();
    fireEvent.click(next);
    await waitForActor(fixture.client.actor, (s) => s.matches('needsReauth'));
    expect(stillFocusable(next)).toEqual({ disabled: false, busy: 'true' });
    fireEvent.click(next);
    expect(pager()).toBe('Page 1 of 5 · loading page 2…');

    fixture.client.reconnect();
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await screen.findByText('batch-011');
    expect(pager()).toBe('Page 2 of 5');
  });

  it('keeps Next focusable on the last page it led to, where it does nothing', async () => {
    sessionStorage.setItem('quiet-session.drafts', JSON.stringify({ account: 'user-ada', values: { 'admin.page': 4 } }));
    await renderSignedIn();
    await screen.findByText('batch-031');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('batch-041');
    await waitFor(() => expect(pager()).toBe('Page 5 of 5'));
    expect(stillFocusable(screen.getByRole('button', { name: 'Next' }))).toEqual({ disabled: false, busy: 'true' });
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(pager()).toBe('Page 5 of 5');
  });
});

describe('AdminBatches across a dropped connection', () => {
  it('shows the next page once the connection is back, not an error text nor a page skipped', async () => {
    await renderSignedIn();
    await screen.findByText('batch-001');
    // The connection drops before the browser notices: page 2's request is sent, and fails on the way.
    fixture.store.setNetworkDown(true);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    // A GET may be sent again: it waits for the connection, and nothing says it failed.
    await waitForActor(fixture.client.actor, (s) => s.matches('offline') && s.context.queue.length === 1);
    expect(document.querySelector('.problem')).toBeNull();

    // Back, as the browser tells it: the session asks the backend again, it answers, and page 2 is asked for again.
    fixture.store.setNetworkDown(false);
    window.dispatchEvent(new Event('online'));
    await waitForActor(fixture.client.actor, (s) => s.matches('active'));
    await screen.findByText('batch-011');
    expect(pager()).toBe('Page 2 of 5');
    expect(screen.getByText('batch-011')).toBeTruthy();
    expect(document.querySelector('.problem')).toBeNull();
  });

  it('lets the first page be asked for again when it could not be loaded at all', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    // The page's route drops every request (the rest of the backend answers): each of its sends fails.
    let dropping = true;
    server.use(http.get(`${location.origin}/api/admin/batches`, () => (dropping ? HttpResponse.error() : undefined)));
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AdminBatches />
      </AuthProvider>,
    );
    await onlineAfterEachCutOff(fixture);
    // No rows, so neither Next nor Previous can ask again.
    await screen.findByText("Couldn't reach the studio. Check your connection and try again.");
    dropping = false;
    window.dispatchEvent(new Event('online'));
    await waitForActor(fixture.client.actor, (s) => s.matches('active'));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByText('batch-001');
    expect(pager()).toBe('Page 1 of 5');
    expect(document.querySelector('.problem')).toBeNull();
  });

  it('keeps Try again, and the focus on it, while it asks again and when that fails too', async () => {
    const down = http.get(`${location.origin}/api/admin/batches`, () => HttpResponse.json({ detail: 'Batches are down' }, { status: 500 }));
    fixture = await createSessionFixture({ signedIn: true });
    server.use(down);
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AdminBatches />
      </AuthProvider>,
    );
    const problem = await screen.findByText(/Batches are down/);
    const tryAgain = screen.getByRole('button', { name: 'Try again' });
    tryAgain.focus();
    fireEvent.click(tryAgain);
    // Asking: the button stays where the keyboard is, busy; a press meanwhile asks nothing more.
    expect(document.activeElement).toBe(tryAgain);
    expect(tryAgain.getAttribute('aria-disabled')).toBe('true');
    // The reason stays on screen while it asks: nothing flashes.
    expect(screen.getByText(/Batches are down/)).toBe(problem);
    await waitFor(() => expect(document.querySelector('table')!.getAttribute('aria-busy')).toBe('false'));
    expect(screen.getByText(/Batches are down/).textContent).toBe(problem.textContent);
    expect(document.activeElement).toBe(tryAgain);
    expect(tryAgain.getAttribute('aria-disabled')).toBeNull();

    server.resetHandlers();
    fireEvent.click(tryAgain);
    await screen.findByText('batch-001');
    expect(document.querySelector('.problem')).toBeNull();
  });

  it('reads out a Try again that fails again with the same reason', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(http.get(`${location.origin}/api/admin/batches`, () => HttpResponse.json({ detail: 'Batches are down' }, { status: 500 })));
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AdminBatches />
      </AuthProvider>,
    );
    const problem = (await screen.findByText(/Batches are down/)).textContent;
    const heard = listenToLiveRegions();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(document.querySelector('table')!.getAttribute('aria-busy')).toBe('false'));
    // Pressed and come back with the same words: heard again, or the press seems to have done nothing.
    expect(heard.stop().filter((said) => said === problem)).toHaveLength(1);
  });

  it('moves the focus to "Admins only" when a Try again after a server error is refused: the button goes, the keyboard stays', async () => {
    fixture = await createSessionFixture({ signedIn: false });
    fixture.tokens.setToken(await fixture.issueToken(otherMockAccount));
    // A member on the page's address while the backend is down: the refusal comes only once it is back.
    server.use(
      http.get(`${location.origin}/api/admin/batches`, () => HttpResponse.json({ detail: 'Batches are down' }, { status: 500 }), {
        once: true,
      }),
    );
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AdminBatches />
      </AuthProvider>,
    );
    await screen.findByText(/Batches are down/);
    const tryAgain = screen.getByRole('button', { name: 'Try again' });
    tryAgain.focus();
    fireEvent.click(tryAgain);
    const refused = await screen.findByText('Loading batches failed (403: Admins only).');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(document.activeElement).toBe(refused);
  });

  it('moves the focus to the rows when a Try again brings them: the button goes, the keyboard stays', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.get(`${location.origin}/api/admin/batches`, () => HttpResponse.json({ detail: 'Batches are down' }, { status: 500 }), {
        once: true,
      }),
    );
    render(
      <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
        <AdminBatches />
      </AuthProvider>,
    );
    await screen.findByText(/Batches are down/);
    const tryAgain = screen.getByRole('button', { name: 'Try again' });
    tryAgain.focus();
    fireEvent.click(tryAgain);
    await screen.findByText('batch-001');
    expect(document.activeElement).toBe(screen.getByRole('table', { name: '47 batches' }));
  });
});
