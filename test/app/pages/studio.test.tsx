/** @vitest-environment happy-dom */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { waitFor as waitForActor } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { AppShell } from '../../../src/components/AppShell.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { getCredits } from '../../../src/lib/credits-api.ts';
import { navigate } from '../../../src/lib/navigation.ts';
import { otherMockAccount } from '../../../src/mocks/mock-data.ts';
import { switchMockNetwork } from '../../../src/mocks/network-switch.ts';
import { listenToLiveRegions } from '../support/announcements.ts';
import {
  createSessionFixture,
  deferred,
  withSessionFixtures,
  type SessionFixture,
  signInInAnotherTab,
} from '../support/session-fixture.ts';
import { PopupClosedError } from '../../../src/lib/session/errors.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);
afterEach(() => {
  sessionStorage.clear();
  navigate('/');
  delete (document as { visibilityState?: unknown }).visibilityState;
});

/** The browser hides or shows the page (the user switches tabs), with its `visibilitychange`. */
function showPage(shown: boolean) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (shown ? 'visible' : 'hidden') });
  act(() => void document.dispatchEvent(new Event('visibilitychange')));
}

/** The credits calls from now on, as the mock backend sees them start. */
function countCreditsCalls(): { count: () => number; stop: () => void } {
  let calls = 0;
  const onStart = ({ request }: { request: Request }) => {
    if (new URL(request.url).pathname === '/api/credits') calls += 1;
  };
  server.events.on('request:start', onStart);
  return { count: () => calls, stop: () => server.events.removeListener('request:start', onStart) };
}

/** The app as signed in on the current fixture, at the studio unless navigated away. */
const studio = () => (
  <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
    <AppShell />
  </AuthProvider>
);

/** The session expires, and a Generate pressed then is held behind the banner. */
async function generateBehindTheBanner(prompt = 'A sapphire ring') {
  fixture.store.expireSessions();
  fireEvent.change(await screen.findByLabelText('Prompt'), { target: { value: prompt } });
  fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
  await waitForActor(fixture.client.actor, (s) => s.context.queue.some((held) => held.url.endsWith('/api/jewelry/generate')));
}

describe('Studio', () => {
  it('does not spend a credit on a held Generate once the user has left the studio: nobody would see the design', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(studio());
    await screen.findByText('Ada Lovelace');
    const credits = fixture.store.credits();
    await generateBehindTheBanner();

    // Off to the admin page behind the banner, reconnected there.
    act(() => navigate('/admin/batches'));
    const generates: string[] = [];
    server.events.on('request:start', ({ request }) => {
      if (new URL(request.url).pathname === '/api/jewelry/generate') generates.push(request.method);
    });
    await waitForActor(fixture.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    fixture.client.reconnect();
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await screen.findByText('batch-001');
    await waitForActor(fixture.client.actor, (s) => s.matches('active') && s.context.queue.length === 0);

    // Back in the studio: no design on screen, so none may have been paid for.
    act(() => navigate('/'));
    await screen.findByText('Generate a design to start a workflow.');
    await waitFor(() => expect(screen.getByText(/^Credits: \d+/)).toBeTruthy());
    expect({ sent: generates, credits: fixture.store.credits() }).toEqual({ sent: [], credits });
    server.events.removeAllListeners();
  });

  it('shows Grace no problem of the workflow Ada was generating once Grace signs in in another tab', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(studio());
    await screen.findByText('Ada Lovelace');
    // Temporal is having a bad moment: Ada's workflow cannot be checked.
    server.use(
      http.get(`${location.origin}/api/workflows/:id/status`, () => HttpResponse.json({ detail: 'Temporal is down' }, { status: 500 })),
    );
    fireEvent.change(await screen.findByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await screen.findByText("Checking the workflow failed (500: Temporal is down). This updates by itself once it's back.");

    // Another tab signs in as Grace: Ada's workflow is not hers, nor is what went wrong with it.
    await signInInAnotherTab(fixture);
    await screen.findByText('Grace Hopper');
    expect(screen.getByText('Generate a design to start a workflow.')).toBeTruthy();
    expect(screen.queryByText("Checking the workflow failed (500: Temporal is down). This updates by itself once it's back.")).toBeNull();
  });

  it('brings back the workflow of a Generate already paid for after a reload of the tab, for its account only', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const first = render(studio());
    await screen.findByText('Ada Lovelace');
    fireEvent.change(await screen.findByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    const workflow = (await screen.findByText(/^wf_/)).textContent;
    const credits = fixture.store.credits();

    // A reload: the page goes, this tab's sessionStorage stays.
    first.unmount();
    render(studio());
    await screen.findByText('Ada Lovelace');
    expect((await screen.findByText(/^wf_/)).textContent).toBe(workflow);
    expect(screen.queryByText('Generate a design to start a workflow.')).toBeNull();
    expect(fixture.store.credits()).toBe(credits);

    // Grace in this tab: Ada's design is not hers.
    await signInInAnotherTab(fixture);
    await screen.findByText('Grace Hopper');
    expect(screen.getByText('Generate a design to start a workflow.')).toBeTruthy();
  });

  it('says after a reload that the Generate held before it is given up, sends nothing for it, and not for Grace', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const first = render(studio());
    await screen.findByText('Ada Lovelace');
    const credits = fixture.store.credits();
    await generateBehindTheBanner();

    // A reload: the page and what it held go, this tab's sessionStorage stays. Reconnected after it.
    first.unmount();
    render(studio());
    await waitForActor(fixture.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    fixture.client.reconnect();
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await waitFor(() => expect(screen.getByText(/^Credits: \d+/)).toBeTruthy());
    expect(fixture.store.credits()).toBe(credits);
    const cutOff = 'Your Generate of “A sapphire ring” was cut off before it got an answer: its design will not show here.';
    expect(screen.getByText(cutOff, { exact: false }).textContent).toBe(
      `${cutOff} If Credits did not go down, press Generate to try again.`,
    );

    // Not Grace's to be told; and for Ada, a new Generate is its own news.
    await signInInAnotherTab(fixture);
    await screen.findByText('Grace Hopper');
    expect(screen.queryByText(cutOff, { exact: false })).toBeNull();
  });

  it('reads out after a reload that the Generate held before it was cut off, not only shows it', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const first = render(studio());
    await screen.findByText('Ada Lovelace');
    await generateBehindTheBanner();

    // A reload: someone who cannot see the line come hears it, as they would any other news of their Generate.
    first.unmount();
    const heard = listenToLiveRegions();
    render(studio());
    const cutOff = 'Your Generate of “A sapphire ring” was cut off before it got an answer: its design will not show here.';
    await screen.findByText(cutOff, { exact: false });
    expect(heard.stop()).toContain(`${cutOff} If Credits did not go down, press Generate to try again.`);
  });

  it('quotes a long prompt it says was cut off by its start only: the whole of it is still in the box', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const first = render(studio());
    await screen.findByText('Ada Lovelace');
    const prompt = `A ring like the one in https://example.com/${'very_long_path_'.repeat(200)}`;
    await generateBehindTheBanner(prompt);

    first.unmount();
    const heard = listenToLiveRegions();
    render(studio());
    const line = await screen.findByText(/was cut off before it got an answer/);
    // Read out and shown: a few words of it say which Generate, not three thousand characters.
    expect(line.textContent).toContain('Your Generate of “A ring like the one in https://example.com/very_long_path_very_long_path…”');
    expect(line.textContent!.length).toBeLessThan(250);
    expect(heard.stop().join(' ').length).toBeLessThan(400);
    expect((screen.getByLabelText('Prompt') as HTMLTextAreaElement).value).toBe(prompt);
  });

  it("shows Grace the design she paid for when she signed in in another tab an instant before this tab's Generate", async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(studio());
    await screen.findByText('Ada Lovelace');
    fireEvent.change(await screen.findByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    const credits = { ada: fixture.store.credits(), grace: fixture.store.credits(otherMockAccount.id) };

    // Another tab has stored Grace's token; this tab's storage event is still to come when the click lands.
    const token = await fixture.issueToken(otherMockAccount);
    fixture.storage.setItem('quiet-session.token', token);
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await screen.findByRole('button', { name: 'Generate' });
    act(() => void window.dispatchEvent(new StorageEvent('storage', { key: 'quiet-session.token', newValue: token })));
    await screen.findByText('Grace Hopper');

    // It went with Grace's token, so it is Grace's credit, and Grace's design.
    expect({ ada: fixture.store.credits(), grace: fixture.store.credits(otherMockAccount.id) }).toEqual({
      ada: credits.ada,
      grace: credits.grace - 1,
    });
    expect(await screen.findByText(/^wf_/)).toBeTruthy();
    expect(screen.queryByText('Generate a design to start a workflow.')).toBeNull();
  });

  it('shows no design for a kept generation of another shape (an older version of the app), and asks nothing for it', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const first = render(studio());
    fireEvent.change(await screen.findByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await screen.findByText(/^wf_/);
    first.unmount();
    const polled: string[] = [];
    server.events.on('request:start', ({ request }) => {
      if (new URL(request.url).pathname.startsWith('/api/workflows/')) polled.push(request.url);
    });
    const drafts = JSON.parse(sessionStorage.getItem('quiet-session.drafts')!);
    for (const kept of [{}, { prompt: {} }, { workflow_id: 7, prompt: 'A sapphire ring' }]) {
      drafts.values['studio.generation'].generation = kept;
      sessionStorage.setItem('quiet-session.drafts', JSON.stringify(drafts));
      const again = render(studio());
      await screen.findByText('Generate a design to start a workflow.');
      again.unmount();
    }
    server.events.removeAllListeners();
    expect(polled).toEqual([]);
  });
  it('shows the balance as it is once the connection is back after a Generate cut off on its way, as it promises', async () => {
    // A backoff far beyond the test: only `online` ends the spell.
    fixture = await createSessionFixture({ signedIn: true, limits: { validationBackoffMs: 600_000 } });
    render(studio());
    await screen.findByText('Credits: 25');
    // The Generate reached the backend, which spent the credit; then the connection dropped before its answer came.
    server.use(
      http.post(`${location.origin}/api/jewelry/generate`, () => {
        fixture.store.setCredits(24);
        fixture.store.setNetworkDown(true);
        return HttpResponse.error();
      }),
    );
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await screen.findByText(/it may have started\. Credits will say so once it is back\./);
    await waitForActor(fixture.client.actor, (s) => s.matches('offline'));

    // Back: the page must not show the balance from before, which reads as "it did not start" and invites a second payment.
    act(() => switchMockNetwork(fixture.store, false));
    await waitForActor(fixture.client.actor, (s) => s.matches('active'));
    await waitFor(() => expect(screen.getByText(/^Credits:/).textContent).toBe('Credits: 24'), { timeout: 3_000 });
  });

  it('shows the balance as it is once back after a Generate cut off behind the banner, the popup closed meanwhile', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(studio());
    await screen.findByText('Credits: 25');
    // The Generate is slow; the session expires while it is out, and the connection drops before its answer.
    const cut = deferred<void>();
    server.use(
      http.post(`${location.origin}/api/jewelry/generate`, async () => {
        await cut.promise;
        fixture.store.setCredits(24);
        fixture.store.setNetworkDown(true);
        return HttpResponse.error();
      }),
    );
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    fixture.store.expireSessions();
    // A call of the page meets the 401: held behind the banner, and sent once signed in again.
    getCredits().catch(() => {});
    await waitForActor(fixture.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    cut.resolve();
    await screen.findByText(/it may have started\. Credits will say so once it is back\./);

    // Back; the first popup is closed, the second signs in.
    act(() => switchMockNetwork(fixture.store, false));
    fixture.client.reconnect();
    fixture.reauths[0]!.reject(new PopupClosedError());
    await waitForActor(fixture.client.actor, (s) => s.matches({ needsReauth: 'waiting' }) && !s.context.unreachable);
    fixture.client.reconnect();
    fixture.reauths[1]!.resolve(await fixture.issueToken());
    await waitForActor(fixture.client.actor, (s) => s.matches('active'));
    // Not the balance from before: it reads as "it did not start" and invites a second payment.
    await waitFor(() => expect(screen.getByText(/^Credits:/).textContent).toBe('Credits: 24'), { timeout: 3_000 });
  });

  it('shows the balance as it is at once after a Generate answered with a server error, as it promises', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(studio());
    await screen.findByText('Credits: 25');
    // FastAPI spent the credit, then failed: a 500 says nothing of whether the design started.
    server.use(
      http.post(`${location.origin}/api/jewelry/generate`, () => {
        fixture.store.setCredits(24);
        return HttpResponse.json({ detail: 'Internal Server Error' }, { status: 500 });
      }),
    );
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await screen.findByText(/it may have started\. Credits will say so in a moment\./);

    // Not the balance from before until the next poll, 15 s on: it reads as "it did not start" and invites a second payment.
    await waitFor(() => expect(screen.getByText(/^Credits:/).textContent).toBe('Credits: 24'), { timeout: 3_000 });
  });

  it('shows in another open tab the credit a Generate here spent, not the balance from before until its next poll', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const a = within(render(studio()).container);
    const b = within(render(studio()).container);
    await a.findByText('Credits: 25');
    await b.findByText('Credits: 25');

    fireEvent.change(a.getByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(a.getByRole('button', { name: 'Generate' }));
    await a.findByText('Credits: 24');

    // Side by side, or the user switches to it: "25" there reads as "that Generate did not go through".
    await waitFor(() => expect(b.getByText(/^Credits:/).textContent).toBe('Credits: 24'), { timeout: 3_000 });
  });

  it('asks a tab in the background for the credit spent in another once it is shown, and not at each switch after', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    const a = within(render(studio()).container);
    const b = within(render(studio()).container);
    await a.findByText('Credits: 25');
    await b.findByText('Credits: 25');
    const calls = countCreditsCalls();

    // The tabs in the background: a Generate there asks for its own balance, the hidden one no more than it did.
    showPage(false);
    fireEvent.change(a.getByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(a.getByRole('button', { name: 'Generate' }));
    await a.findByText('Credits: 24');
    expect(b.getByText(/^Credits:/).textContent).toBe('Credits: 25');

    // Shown: the balance as it is, once; a flurry of switches after that asks nothing more.
    showPage(true);
    await waitFor(() => expect(b.getByText(/^Credits:/).textContent).toBe('Credits: 24'), { timeout: 3_000 });
    for (const _switch of [1, 2, 3, 4, 5]) {
      showPage(false);
      showPage(true);
    }
    // One more Generate, seen as it happens, marks the end: the switches' asks, if any, have started by then.
    fireEvent.change(a.getByLabelText('Prompt'), { target: { value: 'A ruby ring' } });
    fireEvent.click(a.getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(b.getByText(/^Credits:/).textContent).toBe('Credits: 23'), { timeout: 3_000 });
    await a.findByText('Credits: 23');
    calls.stop();
    expect(calls.count()).toBe(4);
  });

  it('shows the balance the backend went by when it refuses a Generate for want of credits, not the one from before', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    render(studio());
    await screen.findByText('Credits: 25');
    // Spent meanwhile elsewhere (another tab of Ada's): this tab's badge has not asked since.
    fixture.store.setCredits(0);
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A sapphire ring' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await screen.findByText('Generating failed (402: Out of credits).');

    // "Out of credits" beside "Credits: 25" until the next poll, 15 s on: one of them is wrong, and the user cannot tell which.
    await waitFor(() => expect(screen.getByText(/^Credits:/).textContent).toBe('Credits: 0'), { timeout: 3_000 });
  });
});
