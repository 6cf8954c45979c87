/** @vitest-environment node */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { API, createFakeBackend, startServer } from '../support/fake-backend.ts';
import { createTabs, type Tab } from '../support/tabs.ts';

const backend = createFakeBackend();
const server = startServer(backend);
let tabs: ReturnType<typeof createTabs>;
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
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
  await Promise.all(open.map((tab) => waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }))));
  return held;
}

describe('tab sync across remounts', () => {
  it("signs in after connect's undo, and still tells the other tabs", async () => {
    tabs = createTabs();
    const [remounted, other] = [tabs.open(), tabs.open()];
    remounted.disconnect();
    const held = await expireWithHeldCalls(remounted, other);

    remounted.client.reconnect();
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(remounted.client.actor.getSnapshot().context.lastReauthError).toBeNull();
    await waitFor(other.client.actor, (s) => s.matches('active'));
  });

  it('hears the other tabs after connect, undo, connect (a double mount)', async () => {
    tabs = createTabs();
    const [remounted, other] = [tabs.open(), tabs.open()];
    remounted.disconnect();
    remounted.sync.connect(remounted.client);
    const held = await expireWithHeldCalls(remounted, other);

    other.client.reconnect();
    await waitFor(remounted.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
  });

  it('hears the other tabs again after an HMR-style dispose and a new tab sync, and its sign-in is theirs', async () => {
    tabs = createTabs();
    const disposed = tabs.open();
    const other = tabs.open();
    disposed.disconnect();
    disposed.client.stop();
    const recreated = tabs.open();

    // Another tab's sign-in reaches the new one.
    let held = await expireWithHeldCalls(recreated, other);
    other.client.reconnect();
    await waitFor(recreated.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);

    // And its own sign-in reaches the other.
    backend.valid.delete('t2');
    held = await expireWithHeldCalls(recreated, other);
    recreated.client.reconnect();
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t3');
    tabs.popups[1]!.resolve('t3');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(backend.apiRequests().filter((r) => r.authorization === 'Bearer t3')).toHaveLength(2);
  });
});
