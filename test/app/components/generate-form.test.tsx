/** @vitest-environment happy-dom */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { waitFor as waitForActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { GenerateForm } from '../../../src/components/GenerateForm.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { validationError } from '../../../src/mocks/fastapi-errors.ts';
import { listenToLiveRegions } from '../support/announcements.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture, signInInAnotherTab } from '../support/session-fixture.ts';

let fixture: SessionFixture;

const server = withSessionFixtures(() => fixture);

/** Whether the page asks before it is left or reloaded: what makes the browser show its "Leave site?" prompt. */
function leavingIsAsked(): boolean {
  const leaving = new Event('beforeunload', { cancelable: true });
  dispatchEvent(leaving);
  return leaving.defaultPrevented;
}

/** The form in the app's provider, as the studio renders it. */
function renderForm(props: { askBeforeLeaving?: boolean } = {}) {
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser}>
      <GenerateForm onStarted={() => {}} {...props} />
    </AuthProvider>,
  );
}

/** Types `prompt` and presses Generate. */
function generate(prompt: string) {
  fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: prompt } });
  fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
}

describe('GenerateForm', () => {
  it('asks before the page is left while a Generate is held, and no longer once it went', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderForm({ askBeforeLeaving: true });
    await waitFor(() => expect(fixture.tokens.getUser()).not.toBeNull());
    expect(leavingIsAsked()).toBe(false);

    fixture.store.expireSessions();
    generate('A sapphire ring');
    await waitForActor(fixture.client.actor, (s) => s.matches('needsReauth') && s.context.queue.length > 0);
    // Held in this page only: a reload would drop it.
    expect(leavingIsAsked()).toBe(true);

    fixture.client.reconnect();
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await screen.findByRole('button', { name: 'Generate' });
    // The page stops asking once the form has taken the answer in (an effect after the button's render).
    await waitFor(() => expect(leavingIsAsked()).toBe(false));
  });

  it('does not show Grace that Ada was out of credits once Grace signs in in another tab', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    fixture.store.setCredits(0);
    renderForm();
    generate('A sapphire ring');
    await screen.findByText('Generating failed (402: Out of credits).');

    // Grace, who has credits of her own, signs in in another tab: Ada's balance is not hers to be told.
    await signInInAnotherTab(fixture);
    await waitFor(() => expect(fixture.tokens.getUser()?.name).toBe('Grace Hopper'));
    expect(screen.queryByText('Generating failed (402: Out of credits).')).toBeNull();
    expect(screen.getByLabelText<HTMLTextAreaElement>('Prompt').value).toBe('A sapphire ring');
  });

  it('reads out why a Generate failed, each time, without an alert', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    fixture.store.setCredits(0);
    renderForm();
    const heard = listenToLiveRegions();
    generate('A sapphire ring');
    await screen.findByText('Generating failed (402: Out of credits).');
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(heard.heard).toHaveLength(2));
    // Someone who cannot see the line appear under the button hears it, a second failure too; quietly, not as an alert.
    expect(heard.stop()).toEqual(['Generating failed (402: Out of credits).', 'Generating failed (402: Out of credits).']);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it.each([
    [502, 'the gateway, its HTML page'],
    [504, 'the gateway, its HTML page'],
    [500, 'FastAPI, after it may have spent the credit'],
  ])('says a Generate answered %i by %s may have started, not that it failed', async (status, by) => {
    fixture = await createSessionFixture({ signedIn: true });
    // nginx during a deploy, or tired of waiting; or FastAPI's own error once the credit was taken.
    server.use(
      http.post(`${location.origin}/api/jewelry/generate`, () =>
        by.startsWith('FastAPI')
          ? HttpResponse.json({ detail: 'Internal Server Error' }, { status })
          : new HttpResponse('<html><head><title>Gateway Time-out</title></head><body><h1>Gateway</h1></body></html>', {
              status,
              headers: { 'content-type': 'text/html' },
            }),
      ),
    );
    renderForm();
    generate('A sapphire ring');
    await screen.findByText('Generate got no clear answer from the studio: it may have started. Credits will say so in a moment.');
    expect(screen.queryByText(/failed|try again|</i)).toBeNull();
  });

  it('says to try again when a Generate is answered 503: it was not passed on, no credit spent', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    // nginx with no backend to hand it to, or a load balancer shedding load: the studio never saw it.
    server.use(
      http.post(
        `${location.origin}/api/jewelry/generate`,
        () =>
          new HttpResponse('<html><body>503 Service Temporarily Unavailable</body></html>', {
            status: 503,
            headers: { 'content-type': 'text/html' },
          }),
      ),
    );
    renderForm();
    generate('A sapphire ring');
    await screen.findByText('The studio is having trouble. Try again in a moment.');
    expect(screen.queryByText(/may have started/)).toBeNull();
  });

  it('says what FastAPI found wrong with the prompt when it refuses it (422), not only the status', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    server.use(
      http.post(`${location.origin}/api/jewelry/generate`, () =>
        validationError(
          { loc: ['body', 'prompt'], msg: 'String should have at most 500 characters', type: 'string_too_long' },
          { loc: ['body', 'style'], msg: 'Input should be a valid string', type: 'string_type' },
        ),
      ),
    );
    renderForm();
    generate('A sapphire ring');
    expect(
      await screen.findByText(
        'Generating failed (422: prompt: String should have at most 500 characters; style: Input should be a valid string).',
      ),
    ).toBeTruthy();
  });

  it('says the prompt is too long, and to shorten it, when the backend refuses its size (413)', async () => {
    fixture = await createSessionFixture({ signedIn: true });
    renderForm();
    // Past the 1 MB any request's body may hold: refused before the route reads it, no credit spent.
    generate(`A ring ${'with sapphires '.repeat(80_000)}`);
    const status = screen.getByRole('status');
    await waitFor(() => expect(status.textContent).not.toBe(''));
    expect(status.textContent).toBe('The prompt is too long. Shorten it, then press Generate again.');
    expect(fixture.store.credits()).toBe(25);
  });
});
