/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { mountSessionUi } from '../examples/session-ui.ts';
import { createAuthFetch, createTabSync, PopupCancelledError, selectBannerView } from '../src/lib/session/index.ts';
import { API, createFakeBackend } from './support/fake-backend.ts';
import { serveForTests } from './support/msw-server.ts';
import { unsignedJwt } from './support/unsigned-jwt.ts';

const backend = createFakeBackend();
serveForTests(...backend.handlers);
const undo: Array<() => void> = [];
afterEach(() => {
  for (const step of undo.splice(0).reverse()) step();
  backend.reset();
  document.body.replaceChildren();
});

/** What a person reads in `root`: each visible banner, line or notice, its texts joined. */
const visibleText = (root: ParentNode = document) =>
  [...root.querySelectorAll<HTMLElement>('[role]')]
    .filter((region) => !region.hidden)
    .map(
      (region) =>
        [...region.querySelectorAll<HTMLElement>('p, button')]
          .filter((part) => !part.hidden && part.textContent)
          .map((part) => part.textContent)
          .join(' ') || region.textContent,
    );

const click = (selector: string, root: ParentNode = document) => root.querySelector<HTMLButtonElement>(selector)!.click();

/** A page as the README wires one, tab sync included: ada's JWT lives 10 minutes; signing in mints the next. */
function page(options: { signIn?: () => Promise<string>; clock?: SimulatedClock; root?: HTMLElement } = {}) {
  const clock = options.clock ?? new SimulatedClock();
  let minted = 0;
  const mint = () => unsignedJwt({ sub: 'ada', iat: clock.now() / 1000, exp: (clock.now() + 600_000) / 1000, n: minted++ });
  let token: string | null = mint();
  backend.valid.add(token);
  const signIns: string[] = [];
  const signIn =
    options.signIn ??
    (async () => {
      const fresh = mint();
      backend.valid.add(fresh);
      signIns.push(fresh);
      return fresh;
    });
  const sync = createTabSync({
    validate: async ({ token, signal }) => {
      const me = await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` }, signal });
      if (!me.ok && me.status !== 401) throw new Error(`/auth/me: ${me.status}`);
      return me.ok;
    },
    reauthenticate: () => signIn(),
  });
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (fresh) => {
      token = fresh;
    },
    validate: sync.validate,
    reauthenticate: sync.reauthenticate,
    allowedOrigins: [API],
    clock,
  });
  const unmount = mountSessionUi(client, sync.dismissReminder, options.root ?? document.body);
  undo.push(client.stop, sync.connect(client), unmount);
  return { client, clock, signIns, unmount, expire: () => backend.valid.delete(token ?? '') };
}

describe('a page without React, wired from the README and the JSDoc', () => {
  it('shows one banner on expiry and sends the held call once after Reconnect, body intact', async () => {
    const { client, expire } = page();
    expect((await client.authFetch(`${API}/api/credits`)).status).toBe(200);
    expect(visibleText()).toEqual([]);

    expire();
    const credits = client.authFetch(`${API}/api/credits`, { method: 'POST', body: '{"n":1}' });
    await waitFor(client.actor, (s) => selectBannerView(s) === 'expired');
    expect(visibleText()).toEqual(['Session expired Reconnect']);

    click('.banner button');
    expect((await credits).status).toBe(200);
    expect(visibleText()).toEqual([]);
    const sent = backend.apiRequests('/api/credits');
    // Answered 401 on the old token, then sent once more with the new one.
    expect(sent.map((r) => new TextDecoder().decode(r.body))).toEqual(['', '{"n":1}', '{"n":1}']);
    expect(sent[2]!.authorization).not.toBe(sent[1]!.authorization);
  });

  it("draws in its own elements, never the page's of the same class, and takes them away when undone", async () => {
    document.body.innerHTML = '<div class="banner" role="note"><p>Spring sale</p></div><p class="offline" role="note">Offline mode</p>';
    const { client, expire, unmount } = page();
    expire();
    void client.authFetch(`${API}/api/credits`).catch(() => {});
    await waitFor(client.actor, (s) => selectBannerView(s) === 'expired');
    expect(visibleText()).toEqual(['Spring sale', 'Offline mode', 'Session expired Reconnect']);

    client.stop();
    unmount();
    expect(visibleText()).toEqual(['Spring sale', 'Offline mode']);
    expect(document.body.children).toHaveLength(2);
  });

  it('says why a cancelled sign-in did not bring the session back, and the next Reconnect sends the held call', async () => {
    let answer = () => Promise.reject<string>(new PopupCancelledError());
    const { client, expire } = page({ signIn: () => answer() });
    expire();
    const credits = client.authFetch(`${API}/api/credits`);
    await waitFor(client.actor, (s) => selectBannerView(s) === 'expired');
    click('.banner button');
    await waitFor(client.actor, (s) => s.context.lastReauthError !== null);
    expect(visibleText()).toEqual([`Session expired ${new PopupCancelledError().message} Reconnect`]);

    const fresh = unsignedJwt({ sub: 'ada', exp: 600 });
    backend.valid.add(fresh);
    answer = async () => fresh;
    click('.banner button');
    expect((await credits).status).toBe(200);
    expect(visibleText()).toEqual([]);
  });

  it('holds a call while offline, says so without the banner, and sends it once the browser is back', async () => {
    const { client } = page();
    window.dispatchEvent(new Event('offline'));
    expect(visibleText()).toEqual(['Waiting for the network…']);
    const credits = client.authFetch(`${API}/api/credits`);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(backend.apiRequests('/api/credits')).toEqual([]);

    window.dispatchEvent(new Event('online'));
    expect((await credits).status).toBe(200);
    expect(visibleText()).toEqual([]);
    expect(backend.apiRequests('/api/credits')).toHaveLength(1);
  });

  it('keeps the notice before expiry up while the session checks the token, then Stay signed in renews it', async () => {
    const { client, clock, signIns } = page();
    const shown: string[] = [];
    undo.push(client.actor.subscribe(() => shown.push(visibleText().join())).unsubscribe);
    clock.increment(480_001); // two minutes before exp
    document.body.dispatchEvent(new Event('keydown', { bubbles: true }));
    expect(visibleText()).toEqual(['Your session ends soon. Stay signed in Not now']);

    clock.increment(60_000); // the check a minute before exp: the backend still accepts the token
    await waitFor(client.actor, (s) => s.matches({ active: 'quiet' }));
    clock.increment(0);
    expect(shown.slice(shown.indexOf('Your session ends soon. Stay signed in Not now'))).not.toContain('');

    click('.notice .stay');
    await waitFor(client.actor, (s) => s.matches({ active: 'quiet' }) && s.context.expiresAt === 1_140_001);
    expect(visibleText()).toEqual([]);
    expect(signIns).toHaveLength(1);
  });

  it("brings back every tab with one tab's Reconnect: one sign-in, each tab's held call sent with its token", async () => {
    const tabs = [document.createElement('section'), document.createElement('section')];
    document.body.append(...tabs);
    const clock = new SimulatedClock();
    // One origin's tabs share the token (localStorage): both start with the same one.
    const [first, second] = tabs.map((root) => page({ root, clock }));
    first!.expire();
    const calls = [first!, second!].map(({ client }) => client.authFetch(`${API}/api/credits`));
    for (const { client } of [first!, second!]) await waitFor(client.actor, (s) => selectBannerView(s) === 'expired');
    expect(tabs.map((root) => visibleText(root))).toEqual([['Session expired Reconnect'], ['Session expired Reconnect']]);

    click('.banner button', tabs[0]);
    expect((await Promise.all(calls)).map((response) => response.status)).toEqual([200, 200]);
    expect(tabs.map((root) => visibleText(root))).toEqual([[], []]);
    expect(first!.signIns.length + second!.signIns.length).toBe(1);
  });
});
