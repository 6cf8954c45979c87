/** @vitest-environment node */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AnyActorRef, createActor, fromPromise } from 'xstate';
import type { HeldRequest } from '../../machines/session.machine.ts';

const held: HeldRequest = { id: 'r1', method: 'GET', url: 'https://api.test/api/credits', reason: 'unauthorized' };
const longestDelay = 2 ** 31 - 1;

// Imported inside each test: a chart that cannot be built fails the test itself, not only the file's loading.
const chart = async () => (await import('../../machines/session.machine.ts')).sessionMachine;

const actors: AnyActorRef[] = [];
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
  vi.useRealTimers();
});

/** The chart alone, as Stately's editor and the inspector run it; `events` gets every event it takes. */
async function bare(provided: Parameters<Awaited<ReturnType<typeof chart>>['provide']>[0] = {}) {
  const events: string[] = [];
  const actor = createActor((await chart()).provide(provided), {
    input: undefined,
    inspect: (e) => {
      if (e.type === '@xstate.event' && e.actorRef === actor) events.push(e.event.type);
    },
  });
  actors.push(actor.start());
  return { actor, events };
}

describe('the session chart alone, with its placeholders', () => {
  it('starts active and quiet, and a held request takes it to validating', async () => {
    const { actor } = await bare();
    expect(actor.getSnapshot().value).toEqual({ active: 'quiet' });
    actor.send({ type: 'request.held', requests: [held] });
    expect(actor.getSnapshot().value).toEqual({ validating: 'checking' });
    expect(actor.getSnapshot().context.queue).toEqual([held]);
  });

  it('cannot say whether the token is good: it retries, then lets the held request go', async () => {
    const { actor } = await bare();
    actor.send({ type: 'request.held', requests: [held] });
    await vi.advanceTimersByTimeAsync(0);
    expect(actor.getSnapshot().value).toEqual({ validating: 'retrying' });
    await vi.advanceTimersByTimeAsync(1_000 + 2_000); // the two backoffs of the default limits
    expect(actor.getSnapshot().value).toEqual({ active: 'quiet' });
    expect(actor.getSnapshot().context.queue).toEqual([]);
  });

  it('says, when Reconnect is pressed, that createAuthFetch supplies the sign-in', async () => {
    const { actor } = await bare({ actors: { validateSession: fromPromise(async () => false) } });
    actor.send({ type: 'request.held', requests: [held] });
    await vi.advanceTimersByTimeAsync(0);
    expect(actor.getSnapshot().value).toEqual({ needsReauth: 'waiting' });
    actor.send({ type: 'reauth.requested' });
    await vi.advanceTimersByTimeAsync(0);
    expect(actor.getSnapshot().value).toEqual({ needsReauth: 'waiting' });
    expect(actor.getSnapshot().context.lastReauthError).toEqual({
      name: 'Error',
      message: 'createAuthFetch provides this actor; supply it with .provide() to run the machine alone',
    });
  });

  it("restarts the sign-in's deadline when the popup is reopened, and keeps the popup open", async () => {
    let popups = 0;
    const { actor } = await bare({
      actors: {
        validateSession: fromPromise(async () => false),
        reauthenticate: fromPromise(() => {
          popups++;
          return new Promise<void>(() => {});
        }),
      },
    });
    actor.send({ type: 'request.held', requests: [held] });
    await vi.advanceTimersByTimeAsync(0);
    actor.send({ type: 'reauth.requested' });
    await vi.advanceTimersByTimeAsync(100_000);
    actor.send({ type: 'reauth.reopened' }); // Try again, 100 s into the 180 s
    await vi.advanceTimersByTimeAsync(179_999);
    expect(actor.getSnapshot().value).toEqual({ reauthenticating: 'holding' });
    expect(popups).toBe(1);
    // One timer, not two: the first deadline's was cancelled, and the new one fires 180 s after Try again.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(actor.getSnapshot().value).toEqual({ needsReauth: 'waiting' });
    expect(actor.getSnapshot().context.lastReauthError?.name).toBe('ReauthTimeoutError');
  });

  it('never finds its token expiring: no timer fires within a day, and a shown tab stays active', async () => {
    const { actor, events } = await bare();
    actor.send({ type: 'tab.visible' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events.filter((type) => type.startsWith('xstate.after'))).toEqual([]);
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(actor.getSnapshot().value).toEqual({ active: 'quiet' });
    expect(events.filter((type) => type.startsWith('xstate.after'))).toEqual([]);
  });

  it('looks again when its longest timer fires, and still neither validates nor shows the notice', async () => {
    const { actor, events } = await bare();
    await vi.advanceTimersByTimeAsync(longestDelay);
    expect(events.some((type) => type.startsWith('xstate.after'))).toBe(true);
    expect(actor.getSnapshot().value).toEqual({ active: 'quiet' });
  });

  it('never finds the notice due, however often its timer fires', async () => {
    const { actor, events } = await bare({ delays: { untilReminder: 1_000 } });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(events.filter((type) => type.startsWith('xstate.after'))).toHaveLength(3);
    expect(actor.getSnapshot().value).toEqual({ active: 'quiet' });
  });

  it('keeps a due notice waiting until someone uses the page', async () => {
    const { actor } = await bare({ guards: { isReminderDue: () => true }, delays: { untilReminder: 1_000 } });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(actor.getSnapshot().value).toEqual({ active: 'due' });
    actor.send({ type: 'user.active' });
    expect(actor.getSnapshot().value).toEqual({ active: 'reminding' });
  });

  it('keeps "Not now" for the current token only: a new token may bring the notice again', async () => {
    const { actor } = await bare();
    actor.send({ type: 'reminder.dismissed' });
    expect(actor.getSnapshot().value).toEqual({ active: 'dismissed' });
    actor.send({ type: 'token.adopted' });
    expect(actor.getSnapshot().value).toEqual({ active: 'quiet' });
    expect(actor.getSnapshot().context.reminderDismissed).toBe(false);
  });

  it('counts the sign-outs, one up each', async () => {
    const { actor } = await bare();
    actor.send({ type: 'session.ended' });
    actor.send({ type: 'session.ended' });
    expect(actor.getSnapshot().context.endedSessions).toBe(2);
  });
  it("gives the check of another tab's token, on an old word of the network, longer than the first limit", async () => {
    let checks = 0;
    const { actor } = await bare({
      // The first check says the token expired; the backend is slow after that.
      actors: { validateSession: fromPromise(() => (checks++ === 0 ? Promise.resolve(false) : new Promise<boolean>(() => {}))) },
    });
    actor.send({ type: 'request.held', requests: [held] });
    await vi.advanceTimersByTimeAsync(0);
    actor.send({ type: 'network.offline' }); // a blip the banner sat through
    actor.send({ type: 'token.adopted' });
    expect(actor.getSnapshot().value).toEqual({ offline: 'confirming' });
    await vi.advanceTimersByTimeAsync(5_000); // the first limit of the default limits
    expect(actor.getSnapshot().value).toEqual({ offline: 'confirming' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(actor.getSnapshot().value).toEqual({ offline: 'waiting' });
  });
});
