/** @vitest-environment happy-dom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SimulatedClock, waitFor as waitForActor } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { ConnectionNotice } from '../../../src/components/ConnectionNotice.tsx';
import { SessionExpiredBanner } from '../../../src/components/SessionExpiredBanner.tsx';
import { SessionReminder } from '../../../src/components/SessionReminder.tsx';
import { AuthProvider } from '../../../src/contexts/AuthContext.tsx';
import { loadUser } from '../../../src/lib/auth-api.ts';
import { getCredits } from '../../../src/lib/credits-api.ts';
import { PopupClosedError } from '../../../src/lib/session/errors.ts';
import { createPopupHints, openSignInPopup, type PopupHints } from '../../../src/lib/session/index.ts';
import { signInChannelName, tokenMessageType } from '../../../src/lib/session/popup-message.ts';
import { createChannelBus, createOpenerWindow } from '../../support/fake-sign-in-windows.ts';
import { createSessionFixture, withSessionFixtures, type SessionFixture } from '../support/session-fixture.ts';

let fixture: SessionFixture;

withSessionFixtures(() => fixture);

/** The studio on a simulated clock, wired as the demo (tokens 60 s, notice 20 s and check 5 s before exp). */
async function renderStudio(
  options: {
    tokenLifetimeSec?: number;
    remindBeforeMs?: number;
    reauthenticate?: Parameters<typeof createSessionFixture>[0]['reauthenticate'];
    popupHints?: PopupHints;
  } = {},
) {
  const clock = new SimulatedClock();
  const { popupHints, ...sessionOptions } = options;
  fixture = await createSessionFixture({ signedIn: true, clock, expiryLeadMs: 5_000, remindBeforeMs: 20_000, ...sessionOptions });
  const states: string[] = [];
  fixture.client.actor.subscribe((snapshot) => states.push(JSON.stringify(snapshot.value)));
  render(
    <AuthProvider session={fixture.client} tokens={fixture.tokens} loadUser={loadUser} clock={clock} popupHints={popupHints}>
      <SessionExpiredBanner />
      <SessionReminder />
      <ConnectionNotice />
      <label>
        Prompt <input />
      </label>
    </AuthProvider>,
  );
  const prompt = screen.getByLabelText('Prompt') as HTMLInputElement;
  act(() => prompt.focus());
  // The profile the provider loads is in: nothing is out when the clock moves.
  await waitFor(() => expect(fixture.tokens.getUser()).not.toBeNull());
  await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'quiet' }));
  const type = (text: string) => {
    fireEvent.keyDown(prompt, { key: text.at(-1) });
    fireEvent.change(prompt, { target: { value: prompt.value + text } });
  };
  const passes = (ms: number) => act(() => clock.increment(ms));
  return { clock, prompt, type, passes, states };
}

/** The notice's text, or '' while it says nothing. */
const notice = () => document.querySelector('.session-reminder')!.textContent;

describe('SessionReminder', () => {
  it('tells someone typing "Your session ends in less than a minute", as a status that takes no focus', async () => {
    const { prompt, type, passes } = await renderStudio();
    type('a sapphire ring');
    passes(39_000);
    expect(notice()).toBe('');
    passes(1_000); // 20 s before exp
    const status = screen.getByText('Your session ends in less than a minute').closest('[role="status"]');
    expect(status?.className).toBe('session-reminder');
    expect(screen.getByRole('button', { name: 'Stay signed in' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Not now' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.activeElement).toBe(prompt);
    expect(prompt.value).toBe('a sapphire ring');
  });

  it('shows the time left from its first word, not first the time left when the page opened', async () => {
    const { type, passes } = await renderStudio();
    // Every text the notice showed: a text changed in place leaves its old value in the record.
    const shown: string[] = [];
    const watch = new MutationObserver((records) => {
      for (const record of records) if (record.type === 'characterData' && record.oldValue) shown.push(record.oldValue);
    });
    watch.observe(document.querySelector('.session-reminder')!, { subtree: true, characterData: true, characterDataOldValue: true });
    passes(39_000);
    type('a');
    passes(1_000); // 20 s before exp
    shown.push(...watch.takeRecords().flatMap((record) => (record.oldValue ? [record.oldValue] : [])));
    watch.disconnect();
    expect(notice()).toMatch(/^Your session ends in less than a minute/);
    expect(shown).toEqual([]);
  });

  it('counts the minutes down as time passes: 5 minutes, 3 minutes, 1 minute, less than a minute', async () => {
    const { type, passes } = await renderStudio({ tokenLifetimeSec: 600, remindBeforeMs: 300_000 });
    passes(290_000);
    type('a'); // "Used the page recently" is within 5 minutes
    passes(10_000);
    expect(notice()).toMatch(/^Your session ends in 5 minutes/);
    passes(61_000); // 239 s left
    expect(notice()).toMatch(/^Your session ends in 3 minutes/);
    passes(120_000); // 119 s
    expect(notice()).toMatch(/^Your session ends in 1 minute(?!s)/);
    passes(60_000); // 59 s
    expect(notice()).toMatch(/^Your session ends in less than a minute/);
  });

  it('never shows for an idle page, and shows once someone uses it', async () => {
    const { type, passes } = await renderStudio();
    passes(45_000);
    expect(fixture.client.actor.getSnapshot().matches({ active: 'due' })).toBe(true);
    expect(notice()).toBe('');
    type('a');
    expect(notice()).toMatch(/^Your session ends in less than a minute/);
  });

  it('never shows offline, and shows once the connection is back', async () => {
    const { type, passes } = await renderStudio();
    type('a');
    act(() => void window.dispatchEvent(new Event('offline')));
    passes(40_000);
    expect(fixture.client.actor.getSnapshot().matches('offline')).toBe(true);
    expect(screen.getByText(/You're offline/)).toBeTruthy();
    expect(notice()).toBe('');
    act(() => void window.dispatchEvent(new Event('online')));
    await waitForActor(fixture.client.actor, (s) => s.matches('active'));
    passes(0); // the reminder's timer, armed afresh, is due at once
    type('b');
    expect(notice()).toMatch(/^Your session ends in less than a minute/);
  });

  it('never shows while the expired banner is up', async () => {
    const { type, passes } = await renderStudio();
    type('a');
    fixture.store.expireSessions(fixture.client.actor.getSnapshot().context.expiresAt! - 60_000);
    getCredits().catch(() => {});
    await screen.findByRole('alert');
    passes(40_000);
    expect(screen.getByRole('alert').textContent).toContain('Session expired');
    expect(notice()).toBe('');
    // Reconnected: the new token's notice comes in its time.
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'quiet' }));
    type('b');
    passes(40_000);
    expect(notice()).toMatch(/^Your session ends in less than a minute/);
  });

  it('Stay signed in opens the sign-in popup inside the click; requests still go out meanwhile, and none is ever held', async () => {
    const { type, passes, states } = await renderStudio();
    type('a');
    passes(40_000);
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    // Synchronous: the popup (here a deferred) was started in the click's own call stack.
    expect(fixture.reauths).toHaveLength(1);
    expect(notice()).toBe('Finish signing in in the Google window.Try again');
    expect(await getCredits()).toEqual({ balance: 25 });
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'quiet' }));
    expect(notice()).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();
    // The session went from the notice to the popup and back, never holding a request.
    const allowed = ['{"active":"quiet"}', '{"active":"due"}', '{"active":"reminding"}', '{"reauthenticating":"renewing"}'];
    expect(states.filter((state) => !allowed.includes(state))).toEqual([]);
    expect(states).toContain('{"reauthenticating":"renewing"}');
    expect(fixture.client.actor.getSnapshot().context.queue).toEqual([]);
    // The new token has a new reminder: 40 s on, it asks again.
    type('b');
    passes(40_000);
    expect(notice()).toMatch(/^Your session ends in less than a minute/);
  });

  it('asks to finish in the window of a Stay signed in begun before a reload, not to press it a second time', async () => {
    const popupHints = createPopupHints();
    const { type, passes } = await renderStudio({ popupHints });
    // The app's wiring of resumeSignIn: the window is not this page's to see, so a hint from the start.
    const reopen = vi.fn();
    act(() => popupHints.report({ reopen }));
    type('a');
    passes(40_000);
    expect(notice()).toBe('Finish signing in in the Google window.Try again');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(reopen).toHaveBeenCalledOnce();
    expect(fixture.reauths).toHaveLength(0);
  });

  it('Try again opens a new popup while the first is open', async () => {
    const { type, passes } = await renderStudio();
    type('a');
    passes(40_000);
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(fixture.reauths).toHaveLength(2);
    fixture.reauths[1]!.resolve(await fixture.issueToken());
    await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'quiet' }));
    expect(notice()).toBe('');
  });

  it('opens one sign-in window for a double-click on Stay signed in, not a second in place of the first', async () => {
    const { type, passes } = await renderStudio();
    type('a');
    passes(40_000);
    const stay = screen.getByRole('button', { name: 'Stay signed in' });
    fireEvent.click(stay, { detail: 1 });
    // The double-click's second click lands on the same button, now Try again.
    fireEvent.click(stay, { detail: 2 });
    expect(fixture.reauths).toHaveLength(1);
    fixture.reauths[0]!.resolve(await fixture.issueToken());
    await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'quiet' }));
    expect(notice()).toBe('');
  });

  it('Try again behind a provider that sends COOP keeps the sign-in, so the first window, out of our reach, still signs in', async () => {
    // The popup as main.tsx wires it, on a window double: each sign-in's state is kept to answer on its channel.
    const bus = createChannelBus();
    const opener = createOpenerWindow(bus, location.origin);
    const popupHints = createPopupHints();
    const states: string[] = [];
    const reauthenticate = ({ signal }: { signal: AbortSignal }) => {
      const state = `state-${states.length + 1}`;
      states.push(state);
      return openSignInPopup({
        url: `/auth/google/consent?state=${state}`,
        state,
        signal,
        host: opener.host,
        closedCheckMs: 5,
        onClosedHint: popupHints.report,
      });
    };
    const { type, passes } = await renderStudio({ reauthenticate, popupHints });
    type('a');
    passes(40_000);
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    opener.popups[0]!.closed = true; // open, but cut off from us: the app cannot close it
    await waitFor(() => expect(popupHints.current()).not.toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(opener.opened).toHaveLength(2);
    // The user finds the first window after all and signs in there: its callback page answers for its state.
    const token = await fixture.issueToken();
    bus.post(signInChannelName(states[0]!), { type: tokenMessageType, state: states[0]!, token });
    await waitFor(() => expect(fixture.tokens.getToken()).toBe(token), { timeout: 1_000 });
    await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'quiet' }));
    expect(notice()).toBe('');
  });

  it('asks again when the sign-in window is closed without signing in', async () => {
    const { type, passes } = await renderStudio();
    type('a');
    passes(40_000);
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    fixture.reauths[0]!.reject(new PopupClosedError());
    await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'reminding' }));
    expect(notice()).toMatch(/^Your session ends in less than a minute/);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks the backend, not the user, when its sign-in window is closed after calls began to wait for it', async () => {
    const { type, passes } = await renderStudio();
    type('a');
    passes(40_000);
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    passes(15_000); // 5 s before exp: calls now wait for the new token
    await waitForActor(fixture.client.actor, (s) => s.matches({ reauthenticating: 'holding' }));
    const credits = getCredits();
    // Held for good should the session be taken for expired: the test ends with stop(), which rejects it.
    credits.catch(() => {});
    fixture.reauths[0]!.reject(new PopupClosedError());
    await waitForActor(fixture.client.actor, (s) => !s.matches('reauthenticating') && !s.matches('validating'));
    // The backend still takes the token: nobody is told the session expired, and the call goes with it.
    expect(screen.queryByText(/Session expired/)).toBeNull();
    expect(await credits).toEqual({ balance: 25 });
  });

  it("forgets its closed sign-in window once another tab's token comes: the banner of that token's end says nothing of it", async () => {
    const { type, passes, clock } = await renderStudio();
    type('a');
    passes(40_000);
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    fixture.reauths[0]!.reject(new PopupClosedError());
    await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'reminding' }));
    // Another tab signed in: tab sync hands its token over.
    const token = await fixture.issueToken();
    act(() => fixture.client.adoptToken(token));
    expect(notice()).toBe('');
    // Much later, the new token is refused: the banner asks to reconnect, without the old window's words.
    passes(10_000);
    fixture.store.expireSessions(clock.now());
    getCredits().catch(() => {});
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Session expired — click to reconnect');
    expect(alert.textContent).not.toMatch(/window was closed/);
  });

  it('keeps the focus on its button from the keyboard, through the sign-in window and after it is closed', async () => {
    const { type, passes, prompt } = await renderStudio();
    type('a');
    passes(40_000);
    const stay = screen.getByRole('button', { name: 'Stay signed in' });
    act(() => stay.focus()); // Tab from the prompt, then Enter
    fireEvent.click(stay);
    // The popup is open: the notice says so, and the focus waits on its button, not at the top of the page.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Try again' }));
    fixture.reauths[0]!.reject(new PopupClosedError());
    await waitForActor(fixture.client.actor, (s) => s.matches({ active: 'reminding' }));
    // Back from the closed window, Enter asks again, as it did.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Stay signed in' }));
    expect(prompt.value).toBe('a');
  });

  it('Not now hides it until the next token', async () => {
    const { type, passes } = await renderStudio();
    type('a');
    passes(40_000);
    fireEvent.click(screen.getByRole('button', { name: 'Not now' }));
    expect(notice()).toBe('');
    type('b');
    passes(10_000);
    expect(fixture.client.actor.getSnapshot().matches({ active: 'dismissed' })).toBe(true);
    expect(notice()).toBe('');
  });

  it('goes when another tab opens the sign-in popup', async () => {
    const { type, passes } = await renderStudio();
    type('a');
    passes(40_000);
    expect(notice()).not.toBe('');
    act(() => fixture.client.reconnectingElsewhere(true));
    expect(notice()).toBe('');
  });

  it('stays up, its button keeping the focus, while the session checks the token before expiry', async () => {
    const { type, passes, states } = await renderStudio();
    type('a');
    passes(40_000);
    const stay = screen.getByRole('button', { name: 'Stay signed in' });
    act(() => stay.focus());
    const texts: string[] = [];
    const watching = new MutationObserver(() => texts.push(notice() ?? ''));
    watching.observe(document.querySelector('.session-reminder')!, { childList: true, subtree: true, characterData: true });
    passes(15_000); // 5 s before exp: the session asks the backend, which still accepts the token
    await waitFor(() => expect(states.slice(-1)[0]).toBe(JSON.stringify({ active: 'quiet' })));
    passes(0); // the notice's timer, due at once, runs (a task later in a browser)
    await waitFor(() => expect(notice()).toMatch(/^Your session ends in less than a minute/));
    watching.disconnect();
    expect(states).toContain(JSON.stringify({ validating: 'checking' }));
    // Never emptied on the way (a screen reader would announce it again), and the focus never dropped.
    expect(texts.filter((text) => text === '')).toEqual([]);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Stay signed in' }));
  });
  it('stays up for minutes, its button keeping the focus, while the session looks at the clock again', async () => {
    const { type, passes, states } = await renderStudio({ tokenLifetimeSec: 600, remindBeforeMs: 300_000 });
    passes(290_000);
    type('a');
    passes(10_000);
    const stay = screen.getByRole('button', { name: 'Stay signed in' });
    act(() => stay.focus());
    const texts: string[] = [];
    const watching = new MutationObserver(() => texts.push(notice() ?? ''));
    watching.observe(document.querySelector('.session-reminder')!, { childList: true, subtree: true, characterData: true });
    const seen = states.length;
    for (let step = 0; step < 24; step++) passes(10_000); // four minutes
    watching.disconnect();
    expect(notice()).toMatch(/^Your session ends in 1 minute(?!s)/);
    expect(texts.filter((text) => text === '')).toEqual([]);
    expect(document.activeElement).toBe(stay);
    expect(new Set(states.slice(seen))).toEqual(new Set([JSON.stringify({ active: 'reminding' })]));
  });
});
