/** @vitest-environment node */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { PopupClosedError } from '../../src/lib/session/errors.ts';
import { API, createFakeBackend, startServer } from '../support/fake-backend.ts';
import { createTabs, type Tab } from '../support/tabs.ts';

const backend = createFakeBackend();
const server = startServer(backend);
let tabs: ReturnType<typeof createTabs>;
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  vi.restoreAllMocks();
  tabs.close();
  backend.received.length = 0;
  backend.valid.clear();
  backend.valid.add('t1');
});
afterAll(() => server.close());

/** Every tab holds a call on the expired token and waits for Reconnect. */
async function expireWithHeldCalls(...open: Tab[]): Promise<Array<Promise<Response>>> {
  backend.valid.delete('t1');
  const held = open.map((tab) => tab.client.authFetch(`${API}/api/tab${tab.index}`));
  held.forEach((call) => call.catch(() => {})); // awaited by the tests that expect them back
  await Promise.all(open.map((tab) => waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }))));
  return held;
}

/** Records the process's unhandled rejections while `run` runs. */
async function unhandledRejectionsOf(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await run();
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

describe('tab sync locks', () => {
  it('answers a popup closed while its tab waits for the re-auth lock at once, and leaves no rejection unhandled', async () => {
    tabs = createTabs();
    const [first, second] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(first, second);

    const unhandled = await unhandledRejectionsOf(async () => {
      // Both press Reconnect before either hears of the other: the second popup opens while the first tab holds the lock.
      first.client.reconnect();
      second.client.reconnect();
      expect(tabs.popups.map((p) => p.tab)).toEqual([0, 1]);
      tabs.popups[1]!.reject(new PopupClosedError());
      await waitFor(second.client.actor, (s) => s.matches('needsReauth') && s.context.lastReauthError?.name === 'PopupClosedError', {
        timeout: 2_000,
      });

      backend.valid.add('t2');
      tabs.popups[0]!.resolve('t2');
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    });
    expect(unhandled).toEqual([]);
  });

  it('takes the validation over from a tab that holds its lock and never lets go', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    tabs = createTabs({ sync: { lockTimeoutMs: 50 } });
    const tab = tabs.open();
    // A frozen tab: it took the validation lock and will never answer.
    tabs.locks!.request(`${tabs.name}:validate`, {}, () => new Promise(() => {})).catch(() => {}); // taken over: rejected
    backend.valid.delete('t1');
    tab.client.authFetch(`${API}/api/a`).catch(() => {});

    await waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    expect(tabs.meCalls).toEqual(['tab 0']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/held the lock ".*:validate" for over 50 ms; taking it over/));
  });

  it('offers Reconnect again when the tab with the popup never finishes, and takes its lock over', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    tabs = createTabs({ sync: { lockTimeoutMs: 50, popupTimeoutMs: 100 } });
    const [stuck, second, third] = [tabs.open(), tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(stuck, second, third);
    stuck.client.reconnect(); // its popup never settles
    await Promise.all([second, third].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }))));

    // The banner offers Reconnect again, and the next popup is the one the other tabs follow.
    await waitFor(second.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    await waitFor(third.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    second.client.reconnect();
    await waitFor(third.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 2_000 });
    backend.valid.add('t2');
    tabs.popups[1]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(tabs.popups.map((p) => p.tab)).toEqual([0, 1]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/held the lock ".*:reauth" for over 50 ms; taking it over/));
  });
});
