/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { signInWithGooglePopup } from '../../../src/lib/auth-api.ts';
import { PopupBlockedError, PopupTimeoutError, ReauthError } from '../../../src/lib/session/errors.ts';
import { openSignInPopup, type PopupHost } from '../../../src/lib/session/sign-in-popup.ts';
import { tokenMessageType } from '../../../src/lib/session/popup-message.ts';

const origin = 'https://studio.test';
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';

/** A window double: records `open`, delivers messages like the browser would. */
function createHost(options: { blocked?: boolean } = {}) {
  const listeners = new Set<(event: MessageEvent) => void>();
  const popup = { closed: false, close: () => void (popup.closed = true) };
  const opened: string[] = [];
  const host: PopupHost = {
    open: (url) => {
      opened.push(url);
      return options.blocked ? null : popup;
    },
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
    location: { origin },
  };
  const post = (data: unknown, from: { origin?: string; source?: unknown } = {}) => {
    const event = { data, origin: from.origin ?? origin, source: 'source' in from ? from.source : popup } as MessageEvent;
    for (const listener of [...listeners]) listener(event);
  };
  return { host, popup, opened, post, listenerCount: () => listeners.size };
}

describe('openSignInPopup', () => {
  it('opens the window before returning, so it runs inside the click', () => {
    const { host, opened } = createHost();
    const pending = openSignInPopup({ url: `${origin}/auth/google/consent?state=s1`, state: 's1', host });
    expect(opened).toEqual([`${origin}/auth/google/consent?state=s1`]);
    pending.catch(() => {});
  });

  it('rejects with PopupBlockedError when the browser gives no window', async () => {
    const { host } = createHost({ blocked: true });
    await expect(openSignInPopup({ url: '/x', state: 's', host })).rejects.toBeInstanceOf(PopupBlockedError);
  });

  it('resolves with the token of a well-formed message from its own popup and origin, and cleans up', async () => {
    const { host, post, listenerCount } = createHost();
    const pending = openSignInPopup({ url: '/x', state: 's1', host });
    post({ type: tokenMessageType, state: 's1', token });
    await expect(pending).resolves.toBe(token);
    expect(listenerCount()).toBe(0);
  });

  it('ignores messages from another origin, another window, another sign-in or of another shape', async () => {
    const { host, post } = createHost();
    const pending = openSignInPopup({ url: '/x', state: 's1', host, closedCheckMs: 5 });
    post({ type: tokenMessageType, state: 's1', token }, { origin: 'https://evil.test' });
    post({ type: tokenMessageType, state: 's1', token }, { source: {} });
    post({ type: tokenMessageType, state: 'other', token });
    post({ type: tokenMessageType, state: 's1', token: 'not a jwt' });
    post({ type: 'something-else', state: 's1', token });
    post('eyJ.a.b');
    const right = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJncmFjZSJ9.c2lnbmF0dXJl';
    post({ type: tokenMessageType, state: 's1', token: right });
    await expect(pending).resolves.toBe(right);
  });

  it('keeps waiting when the popup reads closed, and takes the token that comes after', async () => {
    const { host, popup, post } = createHost();
    const hints: unknown[] = [];
    const pending = openSignInPopup({ url: '/x', state: 's', host, closedCheckMs: 5, onClosedHint: (hint) => hints.push(hint) });
    popup.closed = true; // what a provider's COOP makes an open popup read
    await vi.waitFor(() => expect(hints).toHaveLength(1));
    post({ type: tokenMessageType, state: 's', token });
    await expect(pending).resolves.toBe(token);
  });

  it('rejects with PopupTimeoutError and closes the popup when no token comes in time', async () => {
    const { host, popup } = createHost();
    await expect(openSignInPopup({ url: '/x', state: 's', host, timeoutMs: 20 })).rejects.toBeInstanceOf(PopupTimeoutError);
    expect(popup.closed).toBe(true);
  });

  it('closes the popup and rejects with the reason when aborted', async () => {
    const { host, popup } = createHost();
    const controller = new AbortController();
    const pending = openSignInPopup({ url: '/x', state: 's', host, signal: controller.signal });
    controller.abort(new Error('session stopped'));
    await expect(pending).rejects.toThrow('session stopped');
    expect(popup.closed).toBe(true);
  });
});

describe('signInWithGooglePopup', () => {
  it('rejects, not throws, where there is no page, as openSignInPopup does: with why it cannot open a window', async () => {
    // Node, as a worker or a server render: no location, no window.open.
    expect(globalThis.location).toBeUndefined();
    let pending: Promise<string> | undefined;
    expect(() => {
      pending = signInWithGooglePopup();
    }).not.toThrow();
    await expect(pending).rejects.toBeInstanceOf(ReauthError);
    await expect(pending).rejects.toThrow('This page cannot open the sign-in window (it has no window.open).');
  });
});
