/** @vitest-environment node */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { PopupClosedError } from '../../src/lib/session/errors.ts';
import { createAuthFetch, type AuthFetchClient } from '../../src/lib/auth-fetch.ts';
import { createTabSync } from '../../src/lib/session/tab-sync.ts';
import { API, createFakeBackend, startServer } from '../support/fake-backend.ts';
import { createFakeLocks } from '../support/fake-locks.ts';

const backend = createFakeBackend();
const server = startServer(backend);
let undo: Array<() => void> = [];
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  undo.forEach((u) => u());
  undo = [];
  backend.received.length = 0;
  backend.valid.clear();
  backend.valid.add('t1');
});
afterAll(() => server.close());

/** N tabs of one app: one token storage (localStorage), one lock manager, one BroadcastChannel name. */
function openTabs(count: number) {
  const storage = { token: 't1' as string | null };
  const locks = createFakeLocks();
  const shared = new Map<string, string>(); // localStorage, as the tabs of one origin share it
  const localStorage = { getItem: (k: string) => shared.get(k) ?? null, setItem: (k: string, v: string) => void shared.set(k, v) };
  const meCalls: string[] = [];
  const popups: Array<{ tab: number; resolve: (t: string) => void; reject: (e: Error) => void }> = [];
  const name = `qs-test-${Math.random()}`;
  const tabs = Array.from({ length: count }, (_, tab) => {
    const sync = createTabSync(
      {
        validate: async ({ token, signal }) => {
          meCalls.push(`tab ${tab}`);
          return (await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` }, signal })).ok;
        },
        reauthenticate: () => new Promise<string>((resolve, reject) => popups.push({ tab, resolve, reject })),
      },
      { name, locks, storage: localStorage },
    );
    const client: AuthFetchClient = createAuthFetch({
      getToken: () => storage.token,
      setToken: (token) => (storage.token = token),
      validate: sync.validate,
      reauthenticate: sync.reauthenticate,
      allowedOrigins: [API],
    });
    const disconnect = sync.connect(client);
    undo.push(disconnect, client.stop);
    return client;
  });
  return { tabs, storage, locks, meCalls, popups, shared };
}

describe('many tabs, one session', () => {
  it('validates once for a burst of 401s in three tabs, opens one popup, and brings all three back', async () => {
    const { tabs, meCalls, popups, storage, shared } = openTabs(3);
    backend.valid.delete('t1');
    const calls = tabs.flatMap((tab, i) => [1, 2].map((n) => tab.authFetch(`${API}/api/tab${i}/item${n}`)));
    await Promise.all(tabs.map((tab) => waitFor(tab.actor, (s) => s.matches('needsReauth'))));
    expect(meCalls).toHaveLength(1);
    expect([...shared.values()].join()).not.toContain('t1'); // the answer is keyed by a hash, not the token

    tabs[0]!.reconnect();
    await Promise.all(tabs.slice(1).map((tab) => waitFor(tab.actor, (s) => s.matches({ needsReauth: 'elsewhere' }))));
    expect(popups.map((p) => p.tab)).toEqual([0]);

    backend.valid.add('t2');
    popups[0]!.resolve('t2');
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.status)).toEqual(calls.map(() => 200));
    expect(storage.token).toBe('t2');
    await Promise.all(tabs.map((tab) => waitFor(tab.actor, (s) => s.matches('active'))));
    expect(popups).toHaveLength(1);
    expect(meCalls).toHaveLength(1);
    const replays = backend.apiRequests().filter((r) => r.authorization === 'Bearer t2');
    expect(replays).toHaveLength(6);
  });

  it('lets another tab take over when the popup tab gives up', async () => {
    const { tabs, popups } = openTabs(2);
    backend.valid.delete('t1');
    const held = tabs[1]!.authFetch(`${API}/api/b`);
    tabs[0]!.authFetch(`${API}/api/a`).catch(() => {});
    await Promise.all(tabs.map((tab) => waitFor(tab.actor, (s) => s.matches('needsReauth'))));
    tabs[0]!.reconnect();
    await waitFor(tabs[1]!.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));

    popups[0]!.reject(new PopupClosedError()); // or the tab closed: its lock goes either way
    await waitFor(tabs[1]!.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    tabs[1]!.reconnect();
    await waitFor(tabs[0]!.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t3');
    popups[1]!.resolve('t3');
    expect((await held).status).toBe(200);
    await waitFor(tabs[0]!.actor, (s) => s.matches('active'));
  });
});
