/** @vitest-environment node */
import { beforeEach, describe, expect, it } from 'vitest';
import { createMockHandlers } from '../../../src/mocks/handlers.ts';
import { createMockAuth } from '../../../src/mocks/mock-auth.ts';
import { createMemoryStorage, createMockStore, type MockStore } from '../../../src/mocks/mock-store.ts';
import { switchMockNetwork, watchMockNetwork } from '../../../src/mocks/network-switch.ts';
import { serveForTests } from '../../support/msw-server.ts';

const API = 'http://studio.test';
const server = serveForTests();
let store: MockStore;
let token: string;

beforeEach(async () => {
  store = createMockStore();
  server.resetHandlers(...createMockHandlers({ apiBaseUrl: API, store }));
  token = (await createMockAuth(store).issueAccessToken()).access_token;
});

const get = (path: string) => fetch(`${API}${path}`, { headers: { authorization: `Bearer ${token}` } });
/** Records the `online` / `offline` events a page would hear. */
function listen(target: EventTarget): string[] {
  const heard: string[] = [];
  for (const type of ['online', 'offline']) target.addEventListener(type, () => heard.push(type));
  return heard;
}

describe('the mock backend network switch', () => {
  it('fails every backend route like a dropped connection while down, and answers again once back', async () => {
    const page = new EventTarget();
    const heard = listen(page);
    switchMockNetwork(store, true, page as Window);
    for (const path of ['/auth/me', '/api/credits', '/api/microservices/health', '/api/admin/batches']) {
      await expect(get(path), path).rejects.toThrow(TypeError);
    }
    await expect(fetch(`${API}/mock-google/authorize`, { method: 'POST' })).rejects.toThrow(TypeError);
    switchMockNetwork(store, false, page as Window);
    expect((await get('/auth/me')).status).toBe(200);
    expect(await (await get('/api/credits')).json()).toEqual({ balance: 25 });
    expect(heard).toEqual(['offline', 'online']);
  });

  it('is shared through storage, and a tab hears offline/online when another tab turns it', () => {
    const storage = createMemoryStorage();
    const thisTab = createMockStore(storage);
    const otherTab = createMockStore(storage);
    const page = new EventTarget();
    const heard = listen(page);
    const labels: boolean[] = [];
    const stop = watchMockNetwork(thisTab, (down) => labels.push(down), page as Window);

    // This tab goes offline itself (no `storage` event here), then the other tab brings it back.
    switchMockNetwork(thisTab, true, page as Window);
    otherTab.setNetworkDown(false);
    page.dispatchEvent(new Event('storage'));
    otherTab.setCredits(3); // another key of the store: not a change of network
    page.dispatchEvent(new Event('storage'));
    otherTab.setNetworkDown(true);
    page.dispatchEvent(new Event('storage'));
    expect(labels).toEqual([false, true]);
    expect(heard).toEqual(['offline', 'online', 'offline']);
    expect(thisTab.networkDown()).toBe(true);

    stop();
    otherTab.setNetworkDown(false);
    page.dispatchEvent(new Event('storage'));
    expect(labels).toEqual([false, true]);
  });
});
