/** @vitest-environment happy-dom */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { selectExpiresAt, selectReminderView, type ReminderView } from '../../src/lib/session/index.ts';
import { clockedSessions, type ClockedSessionOptions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const lead = 60_000;

/** A JWT for ada that expires at `expMs` (the session's clock starts at 0). */
const jwt = (expMs: number) => unsignedJwt({ sub: 'ada', exp: expMs / 1000 });

const clockedSession = clockedSessions();

/** A session on a simulated clock whose token ends in 10 minutes, with its notice 2 minutes before; `view`: the notice's. */
function session(overrides: ClockedSessionOptions<SimulatedClock> = {}) {
  const { client, clock } = clockedSession({ getToken: () => jwt(600_000), expiryLeadMs: lead, ...overrides });
  const view = () => selectReminderView(client.actor.getSnapshot());
  /** 2 minutes before exp, someone types: the notice comes. */
  const noticeUp = () => {
    clock.increment(480_000);
    window.dispatchEvent(new KeyboardEvent('keydown'));
  };
  return { client, clock, view, noticeUp };
}

/**
 * The notice up, then exp - lead: the session asks the backend, whose answer waits for `answer`.
 * `views`: what `selectReminderView` read at each snapshot.
 */
function checkingUnderNotice(getToken: () => string = () => jwt(600_000)) {
  let answer: (valid: boolean) => void = () => {};
  const validate = vi.fn(() => new Promise<boolean>((resolve) => (answer = resolve)));
  const { client, clock, view, noticeUp } = session({ getToken, validate });
  noticeUp();
  expect(view()).toBe('reminding');
  const views: ReminderView[] = [];
  client.actor.subscribe((s) => views.push(selectReminderView(s)));
  clock.increment(lead);
  expect(client.actor.getSnapshot().matches('validating')).toBe(true);
  return { client, clock, view, views, answer: (valid: boolean) => answer(valid) };
}

// Hidden for that moment, a notice would flash and be read out again, and lose the focus of whoever is on its button.
describe('the notice while the session checks its token before expiry', () => {
  it('reads checking, never hidden for a moment, until it is back', async () => {
    const { client, clock, view, views, answer } = checkingUnderNotice();
    expect(view()).toBe('checking');
    answer(true);
    await waitFor(client.actor, (s) => s.matches('active'));
    clock.increment(0); // timers due now run
    expect(view()).toBe('reminding');
    expect(views).toContain('checking');
    expect(views).not.toContain('hidden');
  });

  it("stays checking, never hidden for a moment, when the backend's clock is read meanwhile", async () => {
    const { client, clock, view, views, answer } = checkingUnderNotice();
    // An answer's Date header: the backend's clock is 5 s ahead of this tab's.
    client.actor.send({ type: 'clock.observed', offsetMs: 5_000 });
    expect(view()).toBe('checking');
    answer(true);
    await waitFor(client.actor, (s) => s.matches('active'));
    clock.increment(0);
    expect(view()).toBe('reminding');
    expect(views).not.toContain('hidden');
  });

  it("stays checking across two readings of the backend's clock, its end moved by each", async () => {
    const { client, clock, view, views, answer } = checkingUnderNotice();
    client.actor.send({ type: 'clock.observed', offsetMs: 5_000 });
    client.actor.send({ type: 'clock.observed', offsetMs: 8_000 });
    expect(view()).toBe('checking');
    // exp (600 s) on this tab's clock, 8 s behind the backend's.
    expect(client.actor.getSnapshot().context.expiresAt).toBe(592_000);
    answer(true);
    await waitFor(client.actor, (s) => s.matches('active'));
    clock.increment(0);
    expect(view()).toBe('reminding');
    expect(views).not.toContain('hidden');
  });

  it("is withdrawn once back, when the backend's clock read meanwhile puts the token an hour from its end", async () => {
    const { client, clock, view, answer } = checkingUnderNotice();
    // An answer's Date header: the backend's clock is an hour behind this tab's, so the token has an hour left.
    client.actor.send({ type: 'clock.observed', offsetMs: -3_600_000 });
    answer(true);
    await waitFor(client.actor, (s) => s.matches('active'));
    clock.increment(0); // timers due now run
    // Not a notice with inert buttons for the hour until it is due again, as on a reading taken while it was up.
    expect(view()).toBe('hidden');
  });

  it('reads hidden once the backend refuses the token: the banner takes over', async () => {
    const { client, view, answer } = checkingUnderNotice();
    answer(false);
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    expect(view()).toBe('hidden');
  });

  it('reads hidden once the network goes, and is a new notice when it comes back', async () => {
    const { client, clock, view, views, answer } = checkingUnderNotice();
    client.actor.send({ type: 'network.offline' });
    expect(view()).toBe('hidden');
    client.actor.send({ type: 'network.online' });
    answer(true);
    await waitFor(client.actor, (s) => s.matches('active'));
    clock.increment(0);
    expect(view()).toBe('reminding');
    // Not a notice kept up from before the spell.
    expect(views.slice(views.indexOf('hidden'))).not.toContain('checking');
  });

  it('reads hidden once the session is stopped', () => {
    const { client, view } = checkingUnderNotice();
    client.stop();
    expect(view()).toBe('hidden');
  });

  it('reads hidden once Not now is said in another tab', () => {
    const { client, view } = checkingUnderNotice();
    client.actor.send({ type: 'reminder.dismissed' });
    expect(view()).toBe('hidden');
  });

  it('reads hidden for a token that is not the one the notice was for', async () => {
    let token = jwt(600_000);
    const { client, view, answer } = checkingUnderNotice(() => token);
    token = jwt(7_200_000);
    client.actor.send({ type: 'token.adopted' });
    answer(true); // the new token's check
    await waitFor(client.actor, (s) => s.matches('active'));
    expect(view()).toBe('hidden');
  });
});

describe("the notice of another tab's token after Not now", () => {
  it('reads checking while the session checks the new token, Not now having been said for the old one', async () => {
    let token = jwt(600_000);
    let answer: (valid: boolean) => void = () => {};
    const validate = vi.fn(() => new Promise<boolean>((resolve) => (answer = resolve)));
    const { client, clock, view, noticeUp } = session({
      getToken: () => token,
      setToken: (next) => void (token = next),
      validate,
    });
    noticeUp();
    client.dismissReminder();
    expect(view()).toBe('hidden');
    client.adoptToken(jwt(1_200_000)); // another tab's sign-in: ten minutes more
    clock.increment(600_000); // 2 minutes before the new exp, someone types: its notice comes
    window.dispatchEvent(new KeyboardEvent('keydown'));
    expect(view()).toBe('reminding');
    clock.increment(lead);
    expect(client.actor.getSnapshot().matches('validating')).toBe(true);
    expect(view()).toBe('checking');
    answer(true);
    await waitFor(client.actor, (s) => s.matches('active'));
  });
});

describe('the notice when the user signs out', () => {
  it('reads hidden at once, not checking until the session next looks at its token', () => {
    let token: string | null = jwt(600_000);
    const { client, clock, view, noticeUp } = session({ getToken: () => token });
    noticeUp();
    expect(view()).toBe('reminding');
    // As the app's Sign out does: the session first (held calls given up), then the stored token.
    client.endSession();
    token = null;
    clock.increment(0);
    expect(view()).toBe('hidden');
  });
});

describe("the notice's Stay signed in", () => {
  it('reads renewing while its popup is open, and hidden once the new token is in', async () => {
    let token = jwt(600_000);
    let signIn: (token: string) => void = () => {};
    const { client, view, noticeUp } = session({
      getToken: () => token,
      setToken: (next) => (token = next),
      reauthenticate: () => new Promise<string>((resolve) => (signIn = resolve)),
    });
    noticeUp();
    client.reconnect();
    expect(view()).toBe('renewing');
    signIn(jwt(7_200_000));
    await waitFor(client.actor, (s) => s.matches({ active: 'quiet' }));
    expect(view()).toBe('hidden');
  });
});

describe('the expiry the notice is kept with', () => {
  // A millisecond off, the notice would take its own token for another's, and hide during the check.
  it("is exp on this tab's clock to the millisecond, however the clock ticks between two reads", () => {
    const clock = new SimulatedClock();
    // Every read of the time a millisecond later: a real clock may tick between any two.
    const ticking = Object.assign(Object.create(clock) as SimulatedClock, { now: () => clock.now() + reads++ });
    let reads = 0;
    const { client } = session({ clock: ticking });
    expect(client.actor.getSnapshot().context.expiresAt).toBe(600_000);
  });
});

describe('a token that does not say when it expires', () => {
  it("has no end, whatever the backend's clock reads", async () => {
    let answer: (valid: boolean) => void = () => {};
    const { client } = session({
      getToken: () => unsignedJwt({ sub: 'ada' }),
      validate: () => new Promise<boolean>((resolve) => (answer = resolve)),
    });
    client.actor.send({ type: 'token.rejected' });
    client.actor.send({ type: 'clock.observed', offsetMs: 5_000 });
    expect(selectExpiresAt(client.actor.getSnapshot())).toBeNull();
    answer(true);
    await waitFor(client.actor, (s) => s.matches('active'));
    expect(selectExpiresAt(client.actor.getSnapshot())).toBeNull();
  });
});
