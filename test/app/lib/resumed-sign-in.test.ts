/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { followResumedSignIn } from '../../../src/lib/resumed-sign-in.ts';
import { createPopupHints, type PopupClosedHint } from '../../../src/lib/session/index.ts';

/** The app's parts as followResumedSignIn uses them, a token store that says when it changes, and the resumed sign-in. */
function world() {
  const listeners = new Set<() => void>();
  let finish!: (token: string) => void;
  const resumed = new Promise<string>((resolve) => (finish = resolve));
  const adopted: string[] = [];
  const app = {
    tokens: {
      subscribe: (listener: () => void) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    },
    // As tab sync's: its token is adopted unless the signal went first; the signal's abort rejects it.
    tabs: {
      adoptSignIn: (signIn: Promise<string>, signal: AbortSignal) =>
        new Promise<string>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
          void signIn.then((token) => {
            if (signal.aborted) return;
            adopted.push(token);
            for (const listener of [...listeners]) listener();
            resolve(token);
          });
        }),
    },
    popupHints: createPopupHints(),
    session: { reconnect: vi.fn() },
  };
  const givenUp = new AbortController();
  const followed = followResumedSignIn(resumed, givenUp, app);
  const tokenChanged = () => {
    for (const listener of [...listeners]) listener();
  };
  return { app, givenUp, followed, finish, adopted, tokenChanged, listeners };
}

describe('followResumedSignIn', () => {
  it('asks to finish in that window at once, and its Try again signs in anew', () => {
    const { app } = world();
    const hint = app.popupHints.current();
    expect(hint).not.toBeNull();
    hint!.reopen();
    expect(app.session.reconnect).toHaveBeenCalledOnce();
    expect(app.popupHints.current()).toBeNull();
  });

  it('adopts its token through tab sync, then takes the hint away and stops listening', async () => {
    const { app, finish, followed, adopted, listeners } = world();
    finish('t2');
    await followed;
    expect(adopted).toEqual(['t2']);
    expect(app.popupHints.current()).toBeNull();
    expect(listeners.size).toBe(0);
  });

  it('gives it up once the token changes another way: no hint for the next expiry, no late token adopted', async () => {
    const { app, givenUp, finish, followed, adopted, tokenChanged } = world();
    tokenChanged(); // another tab signed in, or this page's own popup did, or the user signed out
    await followed;
    expect(givenUp.signal.aborted).toBe(true);
    expect(app.popupHints.current()).toBeNull();
    finish('late');
    await Promise.resolve();
    expect(adopted).toEqual([]);
  });

  it('leaves the hint of a newer popup alone when it ends', async () => {
    const { app, finish, followed } = world();
    app.popupHints.current()!.reopen(); // Try again: a new popup, whose sign-in may hint in its turn
    const newer: PopupClosedHint = { reopen: () => {} };
    app.popupHints.report(newer);
    finish('t2');
    await followed;
    expect(app.popupHints.current()).toBe(newer);
  });
});
