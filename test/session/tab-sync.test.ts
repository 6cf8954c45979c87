/** @vitest-environment node */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { PopupCancelledError, PopupClosedError } from '../../src/lib/session/errors.ts';
import { popupReopened } from '../../src/lib/session/popup-reopened.ts';
import { createSharedAnswers } from '../../src/lib/session/tab-answers.ts';
import { createTabSync, type TabLocks } from '../../src/lib/session/tab-sync.ts';
import { createFakeLocks } from '../support/fake-locks.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { unhandledDuring } from '../support/outcomes.ts';
import { type createTabs, reportNotes, type Tab } from '../support/tabs.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

const layer = layerOnFakeBackend();
const { backend, expireWithHeldCalls } = layer;
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** An unsigned JWT that ends `secondsLeft` from now, as the layer reads one (it never checks signatures). */
const jwt = (secondsLeft: number) => unsignedJwt({ exp: Date.now() / 1000 + secondsLeft });

/** The clients of `count` connected tabs of one app (see `layer.tabs`). */
function openTabs(count: number) {
  const tabs = layer.tabs();
  return { ...tabs, tabs: Array.from({ length: count }, () => tabs.open().client) };
}

/**
 * The fake lock manager, and `queried()`: resolves once every query asked of it so far has been answered and acted
 * on, such as the one a tab asks on connect (whether another tab's popup holds the re-auth lock).
 */
function lockManagerWithQueries() {
  const locks = createFakeLocks();
  const queries: Array<Promise<unknown>> = [];
  const query = () => {
    const answer = locks.query();
    queries.push(answer);
    return answer;
  };
  return { locks: { ...locks, query }, queried: () => Promise.all(queries.splice(0)) };
}

/** Whether some tab holds the re-auth lock: its popup is open. */
const reauthLockHeld = async (tabs: ReturnType<typeof createTabs>) =>
  ((await tabs.locks!.query()).held ?? []).some((lock) => lock.name === `${tabs.name}:reauth`);

/** Every BroadcastChannel opened from now on and not closed yet (the global is stubbed until the test's end). */
function countOpenChannels(): Set<BroadcastChannel> {
  const open = new Set<BroadcastChannel>();
  vi.stubGlobal(
    'BroadcastChannel',
    class extends BroadcastChannel {
      constructor(name: string) {
        super(name);
        open.add(this);
      }
      override close() {
        open.delete(this);
        super.close();
      }
    },
  );
  return open;
}

/**
 * Resolves once the BroadcastChannels opened from now on have heard `count` messages of `type` in all (the global is
 * stubbed until the test's end). A word, not a poll: vi.waitFor would move fake timers on.
 */
function hearing(type: string): (count: number) => Promise<void> {
  let heard = 0;
  const waits = new Set<{ count: number; done: () => void }>();
  vi.stubGlobal(
    'BroadcastChannel',
    class extends BroadcastChannel {
      constructor(name: string) {
        super(name);
        // Before the tab's own listener, in the same dispatch: a wait resumes after it, so the tab has heard it too.
        this.addEventListener('message', ({ data }) => {
          if (data?.type !== type) return;
          heard++;
          for (const wait of waits) if (heard >= wait.count) wait.done();
        });
      }
    },
  );
  return (count) =>
    new Promise<void>((resolve) => {
      if (heard >= count) return resolve();
      const wait = {
        count,
        done: () => {
          waits.delete(wait);
          resolve();
        },
      };
      waits.add(wait);
    });
}

/** A sign-in the reloaded tab's resumeSignIn took up (no popup of this page, no reauthenticate of tab sync), and its ends. */
function resumedSignIn() {
  let finish!: (token: string) => void;
  let fail!: (error: Error) => void;
  const signIn = new Promise<string>((resolve, reject) => ([finish, fail] = [resolve, reject]));
  return { signIn, finish, fail, signedOut: new AbortController() };
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
    // One more in each tab, about the new token before its calls go with it; a tab whose check waits behind another's takes its answer.
    expect(meCalls.slice(0, 2)).toEqual(['tab 0', 'tab 0']);
    const confirmed = meCalls.slice(2);
    expect(confirmed.filter((tab, i) => confirmed.indexOf(tab) === i && tab !== 'tab 0')).toEqual(confirmed);
    const replays = backend.apiRequests().filter((r) => r.authorization === 'Bearer t2');
    expect(replays).toHaveLength(6);
  });

  it("shows another tab's open popup in a tab that meets the expiry only after it opened", async () => {
    const tabs = layer.tabs();
    const [popupTab, late] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(popupTab);
    popupTab.client.reconnect(); // its popup stays open
    await vi.waitFor(() => expect(reportNotes(late)).toContain('tab.reauth.started'));

    // The late tab was quiet (a background tab): its first call meets the 401 now.
    const held = late.client.authFetch(`${API}/api/late`);
    held.catch(() => {});
    await waitFor(late.client.actor, (s) => s.matches('needsReauth'));
    // "Reconnecting in another tab…", not a Reconnect that would open a second popup.
    await waitFor(late.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await held).status).toBe(200);
    expect(tabs.popups).toHaveLength(1);
  });

  it("shows another tab's open popup in a tab opened (or reloaded) after it opened: its word came before the tab listened", async () => {
    const tabs = layer.tabs();
    const popupTab = tabs.open();
    await expireWithHeldCalls(popupTab);
    popupTab.client.reconnect(); // its popup stays open
    await vi.waitFor(async () => expect(await reauthLockHeld(tabs)).toBe(true));

    const late = tabs.open();
    const held = late.client.authFetch(`${API}/api/late`);
    held.catch(() => {});
    await waitFor(late.client.actor, (s) => s.matches('needsReauth'));
    // "Reconnecting in another tab…", not a Reconnect that would open a second popup.
    await waitFor(late.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    expect(reportNotes(late)).toContain('tab.reauth.held'); // its report says how it knew
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await held).status).toBe(200);
    expect(tabs.popups).toHaveLength(1);
  });

  it("follows no popup when it connects while another tab holds only the lock of a validation's answer", async () => {
    const { locks, queried } = lockManagerWithQueries();
    const tabs = layer.tabs({ locks });
    const validated = tabs.open();
    // A 401 the backend does not confirm: the answer is shared, its lock held for answerTtlMs.
    await validated.client.authFetch(`${API}/status/401`);
    expect([...locks.held].some((name) => name.startsWith(`${tabs.name}:answer:`))).toBe(true);

    const opened = tabs.open();
    await queried();
    expect(reportNotes(opened)).not.toContain('tab.reauth.held');
    expect((await locks.query()).pending).toEqual([]);
    expect(opened.client.actor.getSnapshot().matches({ active: 'dismissed' })).toBe(false); // its notice before expiry may show
  });

  it('connects to a lock manager whose answer lists no held locks: nothing is thrown, and it still hears the other tabs', async () => {
    const unhandled = await unhandledDuring(async () => {
      const locks = createFakeLocks();
      const tabs = layer.tabs({ locks: { request: locks.request, query: async () => ({}) } });
      const tab = tabs.open();
      const held = await expireWithHeldCalls(tab);
      const other = new BroadcastChannel(tabs.name);
      backend.valid.add('t2');
      other.postMessage({ type: 'token', token: 't2' });
      expect((await held[0]!).status).toBe(200);
      other.close();
    });
    expect(unhandled).toEqual([]);
  });

  it('follows not its own popup when it connects again (a remount) while that popup is open', async () => {
    const { locks, queried } = lockManagerWithQueries();
    const tabs = layer.tabs({ locks });
    const tab = tabs.open();
    await expireWithHeldCalls(tab);
    tab.client.reconnect();
    await vi.waitFor(async () => expect(await reauthLockHeld(tabs)).toBe(true));
    tab.disconnect();
    const undo = tab.sync.connect(tab.client);
    await queried(); // the connect's ask whether a popup holds the re-auth lock: answered, and acted on
    expect(reportNotes(tab)).not.toContain('tab.reauth.held');

    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    // Reconnect is offered, and works: not "Reconnecting in another tab…" for a popup that was its own.
    tab.client.reconnect();
    expect(tabs.popups).toHaveLength(2); // opened in the click, as a popup must be
    expect(tab.client.actor.getSnapshot().matches({ needsReauth: 'elsewhere' })).toBe(false);
    undo();
  });

  it("never offers Reconnect in a tab following another tab's popup that brought a token: its lock goes before the token's message", async () => {
    const { tabs, popups } = openTabs(2);
    backend.valid.delete('t1');
    const held = tabs[1]!.authFetch(`${API}/api/b`);
    tabs[0]!.authFetch(`${API}/api/a`).catch(() => {});
    await Promise.all(tabs.map((tab) => waitFor(tab.actor, (s) => s.matches('needsReauth'))));
    tabs[0]!.reconnect();
    await waitFor(tabs[1]!.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    const offered: string[] = [];
    const seen = tabs[1]!.actor.subscribe((s) => s.matches({ needsReauth: 'waiting' }) && offered.push('Reconnect'));

    backend.valid.add('t2');
    popups[0]!.resolve('t2');
    expect((await held).status).toBe(200);
    seen.unsubscribe();
    expect(offered).toEqual([]);
  });

  it('offers Reconnect again when the tab whose popup it followed goes without a word (closed): a moment after its lock', async () => {
    const tabs = layer.tabs();
    const follower = tabs.open();
    await expireWithHeldCalls(follower);
    // A tab that opened its popup, told the others, and was then closed: its lock goes, and no message follows.
    let close!: () => void;
    const closed = tabs.locks!.request(`${tabs.name}:reauth`, {}, () => new Promise<void>((resolve) => (close = resolve)));
    const gone = new BroadcastChannel(tabs.name);
    gone.postMessage({ type: 'reauth.started' });
    await waitFor(follower.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    close();
    await closed;
    gone.close();
    await waitFor(follower.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 3_000 });
  });

  it("offers Reconnect again at once when the popup it followed closes without a token: on that tab's word, not a moment later", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // the moment a tab gone without a word gets never passes
    const tabs = layer.tabs();
    const [popupTab, follower] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(popupTab, follower);
    popupTab.client.reconnect();
    await waitFor(follower.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));

    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(follower.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
  });

  it('offers Reconnect again after popupTimeoutMs though it still waits for the word of a tab whose lock went', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // popupTimeoutMs passes when told
    const tabs = layer.tabs({ sync: { popupTimeoutMs: 500 } });
    const follower = tabs.open();
    await expireWithHeldCalls(follower);
    let close!: () => void;
    const closed = tabs.locks!.request(`${tabs.name}:reauth`, {}, () => new Promise<void>((resolve) => (close = resolve)));
    const gone = new BroadcastChannel(tabs.name);
    gone.postMessage({ type: 'reauth.started' });
    await waitFor(follower.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    await vi.advanceTimersByTimeAsync(400);
    // That tab closed: its lock goes, and no word follows; a moment's wait (1 s) for it begins.
    close();
    await closed;
    gone.close();

    await vi.advanceTimersByTimeAsync(100); // popupTimeoutMs since the follow began
    expect(follower.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
  });

  it('follows a popup reopened with Try again for popupTimeoutMs from the reopen, not from the first popup', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // popupTimeoutMs passes when told
    const tabs = layer.tabs({ sync: { popupTimeoutMs: 500 } });
    const [popupTab, follower] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(popupTab, follower);
    popupTab.client.reconnect();
    await waitFor(follower.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    await vi.advanceTimersByTimeAsync(400);
    popupReopened(tabs.popups[0]!.signal); // Try again, 400 ms in: a new window in the same sign-in
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve)); // the word reaches the follower
    await vi.advanceTimersByTimeAsync(450); // past the first popup's 500 ms, within the new one's
    expect(follower.client.actor.getSnapshot().matches({ needsReauth: 'elsewhere' })).toBe(true);
    expect(tabs.popups).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(50); // 500 ms since Try again, the popup tab silent: Reconnect again
    expect(follower.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
  });

  it("tells the other tabs of no Try again before its popup holds the lock: the popup they follow is another tab's", async () => {
    const tabs = layer.tabs();
    const [popupTab, waiting] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(popupTab);
    popupTab.client.reconnect(); // its popup holds the re-auth lock
    const heard: string[] = [];
    const other = new BroadcastChannel(tabs.name);
    other.onmessage = ({ data }) => heard.push(data.type);
    await vi.waitFor(() => expect(heard).toContain('reauth.started'));

    // A second sign-in, still waiting for the lock, reopens its popup: no word of it may reset the others' follow.
    const signIn = new AbortController();
    waiting.sync.reauthenticate({ signal: signIn.signal }).catch(() => {});
    popupReopened(tabs.popups[1]!.signal);
    waiting.sync.dismissReminder(); // a word after it on the same channel: whatever came before has come
    await vi.waitFor(() => expect(heard).toContain('reminder.dismissed'));
    other.close();
    signIn.abort();
    expect(heard).not.toContain('reauth.reopened');
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

  it('validates once when three tabs expire at the same moment, though localStorage reaches the others late', async () => {
    const tabs = layer.tabs({ lateStorage: true });
    const three = [tabs.open(), tabs.open(), tabs.open()];
    backend.valid.delete('t1');
    for (const tab of three) tab.client.authFetch(`${API}/api/tab${tab.index}`).catch(() => {});
    await Promise.all(three.map((tab) => waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }))));
    expect(tabs.meCalls).toHaveLength(1);
  });

  it("keeps the other tabs out of offline when one tab's validation is slower than lockTimeoutMs", async () => {
    // Time passes when told, each "still asking" heard before the next step: a loaded machine's stall is no missed word.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const heard = hearing('validating');
    // The defaults a tenth: lockTimeoutMs 3 s, validationTimeoutMs 5 s, and /auth/me answering in 3.5 s.
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 300 }, session: { validationTimeoutMs: 500 } });
    const slow = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 350));
    const three = [tabs.open({ validate: slow }), tabs.open({ validate: slow }), tabs.open({ validate: slow })];
    backend.valid.delete('t1'); // a 401 in each tab; the slow validation still says yes
    const calls = three.map((tab) => tab.client.authFetch(`${API}/api/tab${tab.index}`));
    await Promise.all(three.map((tab) => waitFor(tab.client.actor, (s) => s.matches('validating'))));
    backend.valid.add('t1');
    // The asking tab says so at once and every 100 ms; both tabs waiting behind it hear each word before time moves on.
    await heard(2);
    for (const words of [4, 6, 8]) {
      await vi.advanceTimersByTimeAsync(100);
      await heard(words);
    }
    await vi.advanceTimersByTimeAsync(50); // 350 ms: the answer, past lockTimeoutMs, within validationTimeoutMs
    expect(tabs.meCalls).toHaveLength(1); // no tab took the lock over to ask again
    await Promise.all(calls);
    // A single tab would have had its answer in time: so should each of three.
    const offline = three.map((tab) => tab.client.report().entries.some((e) => e.state?.startsWith('offline')));
    expect(offline).toEqual([false, false, false]);
    expect(tabs.meCalls).toHaveLength(1);
  });

  it("reuses a good token's answer given while it waited, a rejected token's whenever its 401 comes", async () => {
    const tabs = layer.tabs();
    const [first, second] = [tabs.open(), tabs.open()];
    // A 401 the backend does not confirm, in both tabs at once: the token is good, each call gets its own 401 back.
    await Promise.all([first.client.authFetch(`${API}/status/401`), second.client.authFetch(`${API}/status/401`)]);
    expect(tabs.meCalls).toEqual(['tab 0']);
    expect(reportNotes(second)).toContain('tab.answer valid');
    // A 401 after that yes may mean the token was taken back since: asked again.
    await second.client.authFetch(`${API}/status/401`);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1']);

    backend.valid.delete('t1');
    first.client.authFetch(`${API}/api/a`).catch(() => {});
    await waitFor(first.client.actor, (s) => s.matches('needsReauth'));
    // A tab whose timers slept (a background tab) meets the expiry a minute later.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    second.client.authFetch(`${API}/api/b`).catch(() => {});
    await waitFor(second.client.actor, (s) => s.matches('needsReauth'));
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1', 'tab 0']);
  });

  it('asks the backend again for a 401 after its own yes: a token taken back since is not sent into a second 401', async () => {
    const tabs = layer.tabs();
    const tab = tabs.open();
    // A yes a moment ago (the check as the network came back); then the backend takes the token back.
    expect(await tab.sync.validate({ token: 't1', signal: new AbortController().signal })).toBe(true);
    backend.valid.delete('t1');
    let settled = false;
    tab.client.authFetch(`${API}/api/generate`, { method: 'POST', body: '{}' }).then(
      () => (settled = true),
      () => (settled = true),
    );
    await waitFor(tab.client.actor, (s) => s.matches('needsReauth'));
    expect(settled).toBe(false); // held for Reconnect, not answered with the replay's 401
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 0']);
    expect(backend.apiRequests('/api/generate')).toHaveLength(1);
  });

  it("does not reuse a good token's answer given once the token's exp has passed, though answerTtlMs has not", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tabs = layer.tabs();
    // A token that lives 6 s, as the browser tests' backend issues them; unsigned, as the layer never checks.
    const token = jwt(6);
    const backendSays: Array<(valid: boolean) => void> = [];
    const first = tabs.open({ validate: () => new Promise<boolean>((resolve) => backendSays.push(resolve)) });
    const second = tabs.open({ validate: async () => false });
    const signal = new AbortController().signal;

    vi.setSystemTime(Date.now() + 5_000); // the check a second before exp; the second tab waits behind the first's
    const answers = [first.sync.validate({ token, signal }), second.sync.validate({ token, signal })];
    await vi.waitFor(() => expect(backendSays).toHaveLength(1));
    vi.setSystemTime(Date.now() + 1_500); // the yes arrives past exp: the backend said it just before
    backendSays[0]!(true);
    expect(await Promise.all(answers)).toEqual([true, false]);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1']);
  });

  it("does not reuse a good token's answer once exp has passed on the backend's clock, though this tab's is behind", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tabs = layer.tabs();
    const skewMs = 30_000; // this machine's clock is 30 s behind the backend's, as its Date headers say
    const token = unsignedJwt({ sub: 'ada', exp: (Date.now() + skewMs) / 1000 + 6 });
    const backendSays: Array<(valid: boolean) => void> = [];
    const first = tabs.open({ validate: () => new Promise<boolean>((resolve) => backendSays.push(resolve)) });
    const second = tabs.open({ validate: async () => false });
    second.client.actor.send({ type: 'clock.observed', offsetMs: skewMs });
    const signal = new AbortController().signal;

    vi.setSystemTime(Date.now() + 5_000); // the check a second before exp, on the backend's clock
    const answers = [first.sync.validate({ token, signal }), second.sync.validate({ token, signal })];
    await vi.waitFor(() => expect(backendSays).toHaveLength(1));
    // The yes arrives past exp on the backend's clock, though this clock is 24.5 s short of it.
    vi.setSystemTime(Date.now() + 1_500);
    backendSays[0]!(true);
    expect(await Promise.all(answers)).toEqual([true, false]);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1']);
  });

  it("does not reuse a good token's answer from the future: the clock was set back after it was given", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tabs = layer.tabs({ locks: null }); // the answer in localStorage, which outlives answerTtlMs
    const answers = [true, false];
    const first = tabs.open({ validate: async () => answers.shift()! });
    const signal = new AbortController().signal;
    expect(await first.sync.validate({ token: 't1', signal })).toBe(true);
    // The machine's clock is corrected an hour back (NTP, a VM resumed); a minute later the token is revoked.
    vi.setSystemTime(Date.now() - 3_600_000 + 60_000);
    expect(await first.sync.validate({ token: 't1', signal })).toBe(false);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 0']);
  });

  it("reuses a good token's answer on the sessions' clock, a test clock the system's does not follow", async () => {
    const clock = new SimulatedClock(); // the sessions' now: a second after the epoch
    clock.increment(1_000);
    const tabs = layer.tabs({ session: { clock } });
    const token = unsignedJwt({ sub: 'ada', exp: 3_600 }); // an hour left, on the sessions' clock
    const [first, second] = [tabs.open({ validate: async () => true }), tabs.open({ validate: async () => true })];
    const signal = new AbortController().signal;
    expect(await first.sync.validate({ token, signal })).toBe(true);
    expect(await second.sync.validate({ token, signal })).toBe(true);
    expect(tabs.meCalls).toEqual(['tab 0']);
  });

  it("reuses a good token's answer when its exp is no number: the token does not say when it ends", async () => {
    const tabs = layer.tabs();
    const payload = Buffer.from(JSON.stringify({ sub: 'ada', exp: '1700000000' })).toString('base64url');
    const token = `eyJhbGciOiJIUzI1NiJ9.${payload}.sig`;
    const [first, second] = [tabs.open({ validate: async () => true }), tabs.open({ validate: async () => false })];
    const signal = new AbortController().signal;
    // The second waits behind the first's validation, and takes its yes.
    expect(await Promise.all([first.sync.validate({ token, signal }), second.sync.validate({ token, signal })])).toEqual([true, true]);
    expect(tabs.meCalls).toEqual(['tab 0']);
  });

  it('reuses no yes with answerTtlMs 0: a tab that waited behind another asks too', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // the yes is given and read in the same millisecond
    const tabs = layer.tabs({ sync: { answerTtlMs: 0 } });
    const [first, second] = [tabs.open({ validate: async () => true }), tabs.open({ validate: async () => false })];
    const signal = new AbortController().signal;
    const answers = [first.sync.validate({ token: 't1', signal }), second.sync.validate({ token: 't1', signal })];
    expect(await Promise.all(answers)).toEqual([true, false]);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1']);
  });

  it('trusts the newer answer when two tabs answered differently, though its localStorage has neither yet', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const tabs = layer.tabs({ lateStorage: true, sync: { lockTimeoutMs: 20 } });
    const backendSays: Array<(valid: boolean) => void> = [];
    const slow = () => new Promise<boolean>((resolve) => backendSays.push(resolve));
    const [first, second, third] = [tabs.open({ validate: slow }), tabs.open({ validate: slow, connect: false }), tabs.open()];
    const signal = new AbortController().signal;
    // The first tab's backend is slow, and the second hears no word of it (not connected, as from a frozen tab): it takes the validation over and asks too.
    const answers = [first.sync.validate({ token: 't1', signal }), second.sync.validate({ token: 't1', signal })];
    await vi.waitFor(() => expect(backendSays).toHaveLength(2));
    backendSays[0]!(true);
    expect(await answers[0]).toBe(true);
    vi.setSystemTime(Date.now() + 1_000);
    backendSays[1]!(false); // the token was revoked meanwhile
    expect(await answers[1]).toBe(false);

    expect(await third.sync.validate({ token: 't1', signal })).toBe(false);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1']);
  });

  it('keeps the answers of two apps on one origin apart', async () => {
    const locks = createFakeLocks(); // one origin, one lock manager
    const [app, otherApp] = [layer.tabs({ locks }), layer.tabs({ locks })];
    const signal = new AbortController().signal;
    expect(await app.open({ validate: async () => true }).sync.validate({ token: 't1', signal })).toBe(true);
    expect(await otherApp.open({ validate: async () => true }).sync.validate({ token: 't1', signal })).toBe(true);
    expect([app.meCalls, otherApp.meCalls]).toEqual([['tab 0'], ['tab 0']]);
  });

  it('shares answers through the locks alone without localStorage, each lock held for answerTtlMs', async () => {
    vi.stubGlobal('localStorage', undefined);
    vi.useFakeTimers({ toFake: ['Date'] }); // the answers' age: the locks run on real time
    const locks = createFakeLocks();
    const tabs = layer.tabs({ locks, noStorage: true, sync: { answerTtlMs: 100 } });
    await expireWithHeldCalls(tabs.open(), tabs.open());
    expect(tabs.meCalls).toEqual(['tab 0']);
    const answerLocks = () => [...locks.held].filter((name) => name.startsWith(`${tabs.name}:answer:`));
    await vi.waitFor(() => expect(answerLocks()).toEqual([]), { timeout: 2_000 });
  });

  it('notes nothing in the report of a session it was disconnected from', async () => {
    const tabs = layer.tabs();
    const [first, second] = [tabs.open({ validate: async () => true }), tabs.open()];
    const signal = new AbortController().signal;
    expect(await first.sync.validate({ token: 't1', signal })).toBe(true);
    second.disconnect();
    expect(await second.sync.validate({ token: 't1', signal })).toBe(true); // the first tab's answer
    expect(reportNotes(second)).not.toContain('tab.answer valid');
  });

  it('asks again for another token than the one answered', async () => {
    const tabs = layer.tabs();
    const [first, second] = [tabs.open(), tabs.open()];
    backend.valid.delete('t1');
    first.client.authFetch(`${API}/api/a`).catch(() => {});
    await waitFor(first.client.actor, (s) => s.matches('needsReauth'));
    // Someone signed in meanwhile (the tabs share the token's storage): t2 is good, its 401 is not the session's.
    backend.valid.add('t2');
    tabs.storage.token = 't2';
    expect((await second.client.authFetch(`${API}/status/401`)).status).toBe(401);
    expect(second.client.actor.getSnapshot().matches('active')).toBe(true);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1']);
  });

  it('ignores a stored answer it cannot read, and asks', async () => {
    const tabs = layer.tabs({ locks: null });
    const [first, second, third] = [tabs.open(), tabs.open(), tabs.open()];
    await first.client.authFetch(`${API}/status/401`);
    const key = `${tabs.name}:validated`;
    tabs.shared.set(key, JSON.stringify({ ...JSON.parse(tabs.shared.get(key)!), valid: 'yes' }));
    await second.client.authFetch(`${API}/status/401`);
    tabs.shared.set(key, '{"key":');
    await third.client.authFetch(`${API}/status/401`);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1', 'tab 2']);
    expect([first, second, third].map((tab) => tab.client.actor.getSnapshot().matches('active'))).toEqual([true, true, true]);
  });

  it('ignores messages that are not a token or a popup of another tab', async () => {
    const tabs = layer.tabs();
    const tab = tabs.open();
    const views: string[] = [];
    tab.client.actor.subscribe((s) => views.push(JSON.stringify(s.value)));
    backend.valid.delete('t1');
    const held = tab.client.authFetch(`${API}/api/a`);
    await waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));

    const other = new BroadcastChannel(tabs.name);
    const unhandled = await unhandledDuring(async () => {
      for (const message of [
        { type: 'token', token: '' },
        { type: 'token', token: 42 },
        // No header can carry it: fetch would refuse the held call with a TypeError that quotes it.
        { type: 'token', token: 't2\nleak' },
        { type: 'token' },
        { type: 'reauth.ended' },
        { type: 'bogus' },
        null,
        'token',
      ]) {
        other.postMessage(message);
      }
      backend.valid.add('t2');
      other.postMessage({ type: 'token', token: 't2' });
      expect((await held).status).toBe(200);
    });
    other.close();
    expect(unhandled).toEqual([]);
    expect(tabs.stored).toEqual(['t2']);
    expect(views.filter((view) => view.includes('elsewhere'))).toEqual([]);
  });

  it("keeps the newer token when another tab's late or repeated message names an older one (by iat, else by exp)", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [older, newer] of [
      [unsignedJwt({ sub: 'ada', iat: now - 60, exp: now + 3_600 }), unsignedJwt({ sub: 'ada', iat: now, exp: now + 3_600 })],
      [unsignedJwt({ sub: 'ada', exp: now + 3_540 }), unsignedJwt({ sub: 'ada', exp: now + 3_600 })],
      // Issued in the same second (iat is to the second): the exp says which came later.
      [unsignedJwt({ sub: 'ada', iat: now, exp: now + 3_599 }), unsignedJwt({ sub: 'ada', iat: now, exp: now + 3_600 })],
      // One account named by a record (as calls tell accounts apart): by exp too.
      [unsignedJwt({ sub: { id: 7 }, exp: now + 3_540 }), unsignedJwt({ sub: { id: 7 }, exp: now + 3_600 })],
      // Only one says when it was issued: by exp.
      [unsignedJwt({ sub: 'ada', exp: now + 3_540 }), unsignedJwt({ sub: 'ada', iat: now, exp: now + 3_600 })],
    ] as const) {
      const tabs = layer.tabs();
      tabs.storage.token = newer; // a sign-in in another tab, stored; the token before it has been revoked since
      backend.valid.add(newer);
      const tab = tabs.open();
      const other = new BroadcastChannel(tabs.name);
      other.postMessage({ type: 'token', token: older }); // that earlier sign-in's message, late or repeated
      other.close();
      await vi.waitFor(() => expect(reportNotes(tab)).toContain('tab.token'));
      expect(tabs.storage.token).toBe(newer);
      expect(await tab.client.authFetch(`${API}/api/credits`).then((r) => r.status)).toBe(200);
      expect(tab.client.actor.getSnapshot().matches('active')).toBe(true);
    }
  });

  it("adopts another tab's token that says nothing older: another account's by exp alone, one without times, one issued later", async () => {
    const now = Math.floor(Date.now() / 1000);
    const grace = unsignedJwt({ sub: 'grace', exp: now + 600 }); // a shorter life, not an older sign-in
    for (const [current, offered] of [
      [unsignedJwt({ sub: 'ada', exp: now + 3_600 }), grace],
      [unsignedJwt({ sub: 'ada', exp: now + 3_600 }), 'opaque-t2'],
      ['opaque-t1', unsignedJwt({ sub: 'ada', exp: now + 3_600 })],
      // Issued later, or in the same second (a second sign-in), by iat.
      [unsignedJwt({ sub: 'ada', iat: now - 60, exp: now + 3_600 }), unsignedJwt({ sub: 'ada', iat: now, exp: now + 3_600 })],
      [
        unsignedJwt({ sub: 'ada', iat: now, exp: now + 3_600, jti: 'a' }),
        unsignedJwt({ sub: 'ada', iat: now, exp: now + 3_600, jti: 'b' }),
      ],
    ] as const) {
      const tabs = layer.tabs();
      tabs.storage.token = current;
      const tab = tabs.open();
      const other = new BroadcastChannel(tabs.name);
      other.postMessage({ type: 'token', token: offered });
      other.close();
      await vi.waitFor(() => expect(tabs.storage.token).toBe(offered));
      expect(tab.client.actor.getSnapshot().matches('active')).toBe(true);
    }
  });

  it('brings every tab back with the token of a sign-in resumed after a reload, not only the reloaded one', async () => {
    const tabs = layer.tabs();
    const [reloaded, other] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(reloaded, other);
    const resumed = resumedSignIn();
    const adopted = reloaded.sync.adoptSignIn(resumed.signIn, resumed.signedOut.signal);
    backend.valid.add('t2');
    resumed.finish('t2');
    await expect(adopted).resolves.toBe('t2');
    expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
    await waitFor(other.client.actor, (s) => s.matches('active'), { timeout: 1_000 });
    expect(tabs.stored).toContain('t2');
    expect(tabs.popups).toHaveLength(0);
  });

  it('has the other tabs follow a resumed sign-in as a popup of the reloaded tab, a tab opened meanwhile too', async () => {
    const { locks, queried } = lockManagerWithQueries();
    const tabs = layer.tabs({ locks });
    const [reloaded, other] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(reloaded, other);
    const resumed = resumedSignIn();
    void reloaded.sync.adoptSignIn(resumed.signIn, resumed.signedOut.signal).catch(() => {});
    // "Reconnecting in another tab…" there, no Reconnect that would open a second popup.
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    const late = tabs.open();
    await queried();
    expect(reportNotes(late)).toContain('tab.reauth.held');
    // The sign-in given up (cancelled at Google, or its time over): the others may try again.
    resumed.fail(new PopupClosedError());
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    expect(await reauthLockHeld(tabs)).toBe(false);
  });

  it("keeps the other tabs following a resumed sign-in through the reloaded tab's own Reconnect, its popup closed", async () => {
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 100 } });
    const [reloaded, other] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(reloaded, other);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // lockTimeoutMs and a follower's wait pass when told
    const resumed = resumedSignIn();
    const adopted = reloaded.sync.adoptSignIn(resumed.signIn, resumed.signedOut.signal);
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    // Its Try again (decision 0022): a second popup, out past lockTimeoutMs, then closed.
    reloaded.client.reconnect();
    await vi.advanceTimersByTimeAsync(300);
    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(reloaded.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    await vi.advanceTimersByTimeAsync(1_200); // past a follower's wait for the word that a popup ended
    vi.useRealTimers();
    // The resumed sign-in still waits: "Reconnecting in another tab…" there, no Reconnect for a third popup.
    expect(other.client.actor.getSnapshot().matches({ needsReauth: 'elsewhere' })).toBe(true);
    expect(await reauthLockHeld(tabs)).toBe(true);
    expect(reportNotes(reloaded)).not.toContain('lock.reauth taken over'); // its own lock, not a frozen tab's
    backend.valid.add('t2');
    resumed.finish('t2');
    await expect(adopted).resolves.toBe('t2');
    expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
    await waitFor(other.client.actor, (s) => s.matches('active'), { timeout: 1_000 });
    await vi.waitFor(async () => expect(await reauthLockHeld(tabs)).toBe(false));
  });

  it("holds the lock again for this tab's next popup once its first one failed: the others follow each", async () => {
    const tabs = layer.tabs();
    const [popupTab, other] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(popupTab, other);
    for (const popup of [0, 1]) {
      popupTab.client.reconnect();
      await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
      expect(await reauthLockHeld(tabs)).toBe(true);
      tabs.popups[popup]!.reject(new PopupClosedError());
      await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    }
    expect(reportNotes(other).filter((line) => line === 'tab.reauth.started')).toHaveLength(2);
  });

  it('holds no lock for a sign-in given up before it began, nor past the next one', async () => {
    const tabs = layer.tabs();
    const [reloaded, other] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(reloaded, other);
    const resumed = resumedSignIn();
    resumed.signedOut.abort(); // signed out in the moment before it was handed over
    const adopted = reloaded.sync.adoptSignIn(resumed.signIn, resumed.signedOut.signal);
    reloaded.client.reconnect();
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
    // Done with the one sign-in that counted: the lock goes, and a later expiry can open a popup at once.
    await vi.waitFor(async () => expect(await reauthLockHeld(tabs)).toBe(false));
    resumed.fail(new PopupClosedError());
    await expect(adopted).rejects.toBeInstanceOf(PopupClosedError);
  });

  it('lets the other tabs go once this tab signs out during a resumed sign-in', async () => {
    const tabs = layer.tabs();
    const [reloaded, other] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(reloaded, other);
    const resumed = resumedSignIn();
    const adopted = reloaded.sync.adoptSignIn(resumed.signIn, resumed.signedOut.signal);
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    resumed.signedOut.abort();
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    expect(await reauthLockHeld(tabs)).toBe(false);
    // Its token, should it still come, is nobody's: no tab adopts it.
    resumed.finish('t2');
    await adopted;
    expect(tabs.stored).not.toContain('t2');
    expect(reloaded.client.actor.getSnapshot().matches('needsReauth')).toBe(true);
  });

  it('still brings the other tabs back when the resumed sign-in ends after its own tab disconnected', async () => {
    const tabs = layer.tabs();
    const [reloaded, other] = [tabs.open(), tabs.open()];
    const [, held] = await expireWithHeldCalls(reloaded, other);
    const resumed = resumedSignIn();
    const adopted = reloaded.sync.adoptSignIn(resumed.signIn, resumed.signedOut.signal);
    // resumeSignIn's answer came after the page's tab sync was disconnected (an unmount, a hot reload).
    reloaded.disconnect();
    backend.valid.add('t2');
    resumed.finish('t2');
    await adopted;
    expect((await held!).status).toBe(200);
  });

  it("rejects with the resumed sign-in's own failure when its tab disconnected meanwhile", async () => {
    const tabs = layer.tabs();
    const [reloaded, other] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(reloaded, other);
    const resumed = resumedSignIn();
    const adopted = reloaded.sync.adoptSignIn(resumed.signIn, resumed.signedOut.signal);
    reloaded.disconnect();
    const cancelled = new PopupCancelledError();
    resumed.fail(cancelled);
    await expect(adopted).rejects.toBe(cancelled);
  });

  it('stops adopting tokens from other tabs once disconnected', async () => {
    const tabs = layer.tabs();
    const [disconnected, witness, signingIn] = [tabs.open(), tabs.open(), tabs.open()];
    disconnected.disconnect();
    backend.valid.delete('t1');
    for (const tab of [disconnected, witness, signingIn]) tab.client.authFetch(`${API}/api/tab${tab.index}`).catch(() => {});
    await Promise.all([disconnected, witness, signingIn].map((tab) => waitFor(tab.client.actor, (s) => s.matches('needsReauth'))));

    signingIn.client.reconnect();
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    await waitFor(witness.client.actor, (s) => s.matches('active'));
    expect(disconnected.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
  });

  it('runs without Web Locks: validates, signs in, and the other tabs adopt the token', async () => {
    vi.stubGlobal('navigator', {}); // no navigator.locks, whatever Node this runs on
    const tabs = layer.tabs({ locks: null });
    const [first, second] = [tabs.open(), tabs.open()];
    backend.received.length = 0;
    backend.valid.delete('t1');
    const held = [first, second].map((tab) => tab.client.authFetch(`${API}/api/tab${tab.index}`));
    await Promise.all([first, second].map((tab) => waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }))));

    first.client.reconnect();
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(tabs.popups).toHaveLength(1);
    expect(backend.apiRequests().filter((r) => r.authorization === 'Bearer t2')).toHaveLength(2);
  });
  it("shares a validation's answer through localStorage alone without Web Locks", async () => {
    // One instant for both: a yes given before a validation began is not reused, and no lock makes the second wait.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.stubGlobal('navigator', {});
    const tabs = layer.tabs({ locks: null });
    const [first, second] = [tabs.open({ validate: async () => true }), tabs.open()];
    const signal = new AbortController().signal;
    expect(await first.sync.validate({ token: 't1', signal })).toBe(true);
    expect(await second.sync.validate({ token: 't1', signal })).toBe(true);
    expect(tabs.meCalls).toEqual(['tab 0']);
  });

  it('validates once and asks to reconnect when localStorage is full: the answer is shared through the locks', async () => {
    const tabs = layer.tabs();
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
    };
    const validations: string[] = [];
    const inner = {
      validate: async ({ token }: { token: string | null }) => {
        validations.push(`${token}`);
        return backend.valid.has(`${token}`);
      },
      reauthenticate: () => new Promise<string>(() => {}),
    };
    const tab = tabs.open({ sync: createTabSync(inner, { name: tabs.name, locks: tabs.locks, storage: full }) });
    backend.valid.delete('t1'); // revoked: the token does not say it has ended
    const call = tab.client.authFetch(`${API}/api/a`);
    const asked = waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 8_000 });
    const outcome = await Promise.race([call.then((r) => `answered ${r.status}`), asked.then(() => 'Reconnect offered')]);
    expect(outcome).toBe('Reconnect offered');
    expect(validations).toEqual(['t1']);
    call.catch(() => {});
  }, 10_000);

  it('validates and asks to reconnect when the lock manager refuses this page (cookies blocked): as without locks', async () => {
    const refused = () => Promise.reject(new DOMException('Access to the Locks API is denied in this context.', 'SecurityError'));
    const tabs = layer.tabs({ locks: { request: refused, query: refused } });
    const tab = tabs.open();
    backend.valid.delete('t1'); // revoked: the token does not say it has ended
    const call = tab.client.authFetch(`${API}/api/a`);
    call.catch(() => {});
    const asked = waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 8_000 });
    const outcome = await Promise.race([call.then((r) => `answered ${r.status}`), asked.then(() => 'Reconnect offered')]);
    expect(outcome).toBe('Reconnect offered');
    expect(tabs.meCalls).toEqual(['tab 0']);
  }, 10_000);

  it("shares a validation's answer through the page's localStorage when told no other storage", async () => {
    // One instant for both: a yes given before a validation began is not reused, and no lock makes the second wait.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.stubGlobal('navigator', {}); // no Web Locks: localStorage is the one way to share
    const items = new Map<string, string>();
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => items.set(key, value),
    });
    const validations: string[] = [];
    const inner = {
      validate: async ({ token }: { token: string | null }) => {
        validations.push(`${token}`);
        return true;
      },
      reauthenticate: () => new Promise<string>(() => {}),
    };
    const [first, second] = [createTabSync(inner, { name: 'app' }), createTabSync(inner, { name: 'app' })];
    const signal = new AbortController().signal;
    expect(await first.validate({ token: 't1', signal })).toBe(true);
    expect(await second.validate({ token: 't1', signal })).toBe(true);
    expect(validations).toEqual(['t1']);
  });

  it('ends a validation whose call was aborted before it began as the validation it wraps ends it, without Web Locks', async () => {
    vi.stubGlobal('navigator', {});
    const tab = layer.tabs({ locks: null }).open();
    const aborted = AbortSignal.abort();
    await expect(tab.sync.validate({ token: 't1', signal: aborted })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('starts when the page may not touch localStorage (cookies blocked): reading it throws', async () => {
    vi.stubGlobal('navigator', {});
    const denied = () => {
      throw new DOMException("Failed to read the 'localStorage' property from 'Window': Access is denied.", 'SecurityError');
    };
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
    Object.defineProperty(globalThis, 'localStorage', { configurable: true, get: denied });
    try {
      const session = layer.session();
      const sync = createTabSync({ validate: session.validate, reauthenticate: session.reauthenticate });
      expect(await sync.validate({ token: 't1', signal: new AbortController().signal })).toBe(true);
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'localStorage', descriptor);
      else delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });

  it('runs without BroadcastChannel: one validation for all tabs, and each signs in on its own', async () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const tabs = layer.tabs();
    const [first, second] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(first, second);
    expect(tabs.meCalls).toEqual(['tab 0']);

    first.client.reconnect();
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await held[0]!).status).toBe(200);
    first.sync.dismissReminder();
    first.disconnect();
    expect(second.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true); // nobody could tell it
  });

  it("listens on the channel named 'quiet-session' unless told", async () => {
    const session = layer.session();
    const sync = createTabSync({ validate: session.validate, reauthenticate: session.reauthenticate });
    const disconnect = sync.connect(session.client);
    const other = new BroadcastChannel('quiet-session');
    other.postMessage({ type: 'token', token: 't2' });
    await vi.waitFor(() => expect(session.setToken).toHaveBeenCalledWith('t2'));
    other.close();
    disconnect();
  });
});

describe('tab sync, with the session report and the notice before expiry', () => {
  it("takes the notice's Not now to every tab: one notice for all", async () => {
    const tabs = layer.tabs();
    const [first, second] = (await remindingTabs(tabs, 2)) as [Tab, Tab];
    expect([first, second].map((tab) => tab.client.actor.getSnapshot().matches({ active: 'reminding' }))).toEqual([true, true]);
    first.sync.dismissReminder();
    expect(first.client.actor.getSnapshot().matches({ active: 'dismissed' })).toBe(true);
    await waitFor(second.client.actor, (s) => s.matches({ active: 'dismissed' }));
  });

  it("takes Not now to the other tabs between connect's undo and the next connect", async () => {
    const tabs = layer.tabs();
    const [remounted, other] = (await remindingTabs(tabs, 2)) as [Tab, Tab];
    remounted.disconnect();
    remounted.sync.dismissReminder();
    await waitFor(other.client.actor, (s) => s.matches({ active: 'dismissed' }));
  });

  it("keeps the notice up when another tab's message is not its Not now", async () => {
    const tabs = layer.tabs();
    const [tab] = (await remindingTabs(tabs, 1)) as [Tab];
    const views: string[] = [];
    tab!.client.actor.subscribe((s) => views.push(JSON.stringify(s.value)));
    const other = new BroadcastChannel(tabs.name);
    for (const message of [{ type: 'token', token: '' }, { type: 'reauth.ended' }, { type: 'bogus' }, null]) other.postMessage(message);
    // Then a token for an hour, from a sign-in there: the notice goes with the old token, and only then.
    other.postMessage({ type: 'token', token: jwt(3_600) });
    await waitFor(tab!.client.actor, (s) => s.matches({ active: 'quiet' }));
    other.close();
    expect(views.filter((view) => view.includes('dismissed'))).toEqual([]);
  });

  it('tells no other tab the token of a sign-in that settled after this tab signed out', async () => {
    const heard = hearing('reminder.dismissed');
    const tabs = layer.tabs();
    const [first, second] = [tabs.open(), tabs.open()];
    backend.valid.delete('t1');
    first.client.authFetch(`${API}/api/tab0`).catch(() => {});
    await waitFor(first.client.actor, (s) => s.matches('needsReauth'));
    first.client.reconnect();
    first.client.endSession(); // signed out while the popup was open
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    await new Promise((resolve) => setImmediate(resolve)); // what the settled sign-in sets off in promises has run
    first.sync.dismissReminder(); // a word after any token on the same channel: once heard, whatever came before has come
    await heard(1);
    expect(tabs.stored).toEqual([]);
    expect(second.client.report().entries.map((e) => e.event)).not.toContain('tab.token');
  });

  it("signs no tab in again with another tab's token that comes after it signed out", async () => {
    const heard = hearing('token');
    const tabs = layer.tabs();
    const [signingOut, popupTab] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(signingOut, popupTab);
    popupTab.client.reconnect();
    await waitFor(signingOut.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2'); // its token is stored, and its message to the other tab is on its way
    for (let turn = 0; turn < 20 && tabs.stored.length === 0; turn++) await Promise.resolve(); // no task: the message waits
    expect(tabs.stored).toEqual(['t2']);

    // Signed out in the other tab before the message reached it (or its tabs store their tokens each on their own).
    signingOut.client.endSession();
    tabs.storage.token = null;
    await expect(held[0]).rejects.toMatchObject({ name: 'AuthExpiredError' });
    await heard(1); // the token's message reached the signed-out tab
    expect(reportNotes(signingOut)).toContain('tab.token');
    expect(tabs.storage.token).toBeNull();
    expect(tabs.stored).toEqual(['t2']);
  });

  it("notes in each tab's report what it heard from the others", async () => {
    const tabs = layer.tabs();
    const [first, second] = [tabs.open(), tabs.open()];
    backend.valid.delete('t1');
    for (const tab of [first, second]) tab.client.authFetch(`${API}/api/tab${tab.index}`).catch(() => {});
    await Promise.all([first, second].map((tab) => waitFor(tab.client.actor, (s) => s.matches('needsReauth'))));
    first.client.reconnect();
    await waitFor(second.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    await waitFor(second.client.actor, (s) => s.matches('active'));
    const events = second.client.report().entries.map((e) => [e.event, e.detail].filter(Boolean).join(' '));
    expect(events).toEqual(expect.arrayContaining(['tab.answer expired', 'tab.reauth.started', 'tab.token', 'token.adopted']));
  });
});

/** `count` tabs showing the notice before expiry: their token ends in 90 s, and the person used each tab. */
async function remindingTabs(tabs: ReturnType<typeof createTabs>, count: number): Promise<Tab[]> {
  // Within the notice's 2 minutes, not yet in the 60 s expiry lead.
  tabs.storage.token = jwt(90);
  const open = Array.from({ length: count }, () => tabs.open());
  // The browser's events, as the chart hears them.
  for (const tab of open) {
    await waitFor(tab.client.actor, (s) => s.matches({ active: 'due' }));
    tab.client.actor.send({ type: 'user.active' });
  }
  return open;
}

describe('tab sync across remounts', () => {
  it("signs in after connect's undo, and still tells the other tabs", async () => {
    const tabs = layer.tabs();
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
    const tabs = layer.tabs();
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
    const tabs = layer.tabs();
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
  it("reuses the other tabs' answers between connect's undo and the next connect", async () => {
    const tabs = layer.tabs();
    const [other, remounted] = [tabs.open(), tabs.open()];
    remounted.disconnect();
    backend.valid.delete('t1');
    other.client.authFetch(`${API}/api/a`).catch(() => {});
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    remounted.client.authFetch(`${API}/api/b`).catch(() => {});
    await waitFor(remounted.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    expect(tabs.meCalls).toEqual(['tab 0']);
  });

  it('closes every channel it opens: none is left once its tabs are gone', async () => {
    const open = countOpenChannels();
    const tabs = layer.tabs();
    const [remounted, other] = [tabs.open(), tabs.open()];
    remounted.disconnect();
    const held = await expireWithHeldCalls(remounted, other);
    remounted.client.reconnect(); // told on a channel of the moment
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    remounted.sync.dismissReminder();
    tabs.close();
    expect(open.size).toBe(0);
  });

  // The README's quick start ends with client.stop(): "Stop removes every listener and timer". A channel left open
  // kept hearing the other tabs for a session that is gone, and kept a Node process (SSR, a script, a test) from exiting.
  it('closes its channel and stops listening when the session it is connected to stops, undone or not', async () => {
    const open = countOpenChannels();
    const tabs = layer.tabs();
    const stopped = tabs.open();
    const listening = tabs.open();
    expect(open.size).toBe(2);
    stopped.client.stop();
    listening.client.stop();
    expect(open.size).toBe(0);
    // Connected after it stopped: nothing to hear for it.
    const late = createTabSync({ validate: async () => true, reauthenticate: async () => 'x' }, { name: tabs.name });
    late.connect(stopped.client);
    expect(open.size).toBe(0);
    tabs.close();
  });

  it('leaves a newer connection hearing, noting and telling when an older one is undone', async () => {
    const tabs = layer.tabs();
    const [older, other] = [tabs.open(), tabs.open()];
    const newer = tabs.open({ sync: older.sync }); // the tab's next session, connected before the older is undone
    older.disconnect();
    older.client.stop();

    // It hears the other tab, and its report says so.
    let held = await expireWithHeldCalls(newer, other);
    other.client.reconnect();
    await waitFor(newer.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);

    // Its own sign-in reaches the other tab, and not itself.
    backend.valid.delete('t2');
    held = await expireWithHeldCalls(newer, other);
    newer.client.reconnect();
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t3');
    tabs.popups[1]!.resolve('t3');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(reportNotes(newer).filter((note) => note === 'tab.reauth.started' || note === 'tab.token')).toEqual([
      'tab.reauth.started',
      'tab.token',
    ]);
  });

  it('takes an undo called twice as once: the same session, connected again (StrictMode), keeps its connection', async () => {
    const tabs = layer.tabs();
    const [tab, other] = [tabs.open(), tabs.open()];
    const undo = tab.disconnect;
    undo();
    tab.sync.connect(tab.client); // React's second mount of the same effect
    undo(); // the first mount's undo again (an unmount that ran it twice)
    const held = await expireWithHeldCalls(tab, other);
    const resumed = resumedSignIn();
    void tab.sync.adoptSignIn(resumed.signIn, resumed.signedOut.signal);
    backend.valid.add('t2');
    resumed.finish('t2');
    expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
  });

  it("stops following another tab's popup once disconnected: it leaves the lock's queue and notes nothing of it", async () => {
    const locks = createFakeLocks();
    const tabs = layer.tabs({ locks });
    const [popupTab, follower] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(popupTab, follower);
    popupTab.client.reconnect();
    await waitFor(follower.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    expect((await locks.query()).pending).toEqual([{ name: `${tabs.name}:reauth` }]);

    follower.disconnect();
    expect((await locks.query()).pending).toEqual([]);
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    await waitFor(popupTab.client.actor, (s) => s.matches('active'));
    expect(reportNotes(follower).filter((note) => note.startsWith('lock.'))).toEqual([]);
  });

  it('queues behind no popup when it connects without "Reconnecting in another tab…" showing', async () => {
    const locks = createFakeLocks();
    const tabs = layer.tabs({ locks });
    const popupTab = tabs.open();
    await expireWithHeldCalls(popupTab);
    popupTab.client.reconnect(); // its popup stays open
    await vi.waitFor(() => expect(locks.held).toContain(`${tabs.name}:reauth`));

    const opened = tabs.open();
    expect(opened.client.actor.getSnapshot().matches({ needsReauth: 'elsewhere' })).toBe(false);
    expect((await locks.query()).pending).toEqual([]);
  });

  it("shows another tab's popup across a remount until its token comes", async () => {
    const { locks, queried } = lockManagerWithQueries();
    const tabs = layer.tabs({ locks });
    const [popupTab, remounted] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(popupTab, remounted);
    popupTab.client.reconnect();
    await waitFor(remounted.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));

    remounted.disconnect();
    remounted.sync.connect(remounted.client);
    const followers = async () => (await locks.query()).pending.filter(({ name }) => name === `${tabs.name}:reauth`);
    await queried(); // and the lock manager's answer on connect: the popup is followed once, as its word was heard
    expect(await followers()).toHaveLength(1); // the remounted tab follows the popup again
    expect(reportNotes(remounted)).not.toContain('tab.reauth.held');
    expect(remounted.client.actor.getSnapshot().matches({ needsReauth: 'elsewhere' })).toBe(true);
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(reportNotes(remounted)).not.toContain('lock.reauth followed too long'); // a remount is no wait too long
  });

  it('offers Reconnect again when the popup it followed across a remount closes', async () => {
    const tabs = layer.tabs({ sync: { popupTimeoutMs: 100 } });
    const [popupTab, remounted] = [tabs.open(), tabs.open()];
    await expireWithHeldCalls(popupTab, remounted);
    popupTab.client.reconnect();
    await waitFor(remounted.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));

    remounted.disconnect();
    remounted.sync.connect(remounted.client);
    tabs.popups[0]!.reject(new PopupClosedError());
    await waitFor(popupTab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    await waitFor(remounted.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 1_000 });
  });

  it("shows another tab's popup opened while it was unmounted, though its own popup came and went before", async () => {
    const tabs = layer.tabs();
    const [remounted, other] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(remounted, other);
    remounted.client.reconnect();
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    tabs.popups[0]!.reject(new PopupClosedError()); // closed without signing in
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));

    remounted.disconnect();
    other.client.reconnect(); // its word reaches no one here
    await vi.waitFor(async () => expect(await reauthLockHeld(tabs)).toBe(true));
    remounted.sync.connect(remounted.client);
    // "Reconnecting in another tab…", not a Reconnect that would open a second popup.
    await waitFor(remounted.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }), { timeout: 1_000 });
    backend.valid.add('t2');
    tabs.popups[1]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
  });

  it("takes its notice away when it connects again while another tab's popup, opened from that tab's notice, is open", async () => {
    const tabs = layer.tabs();
    const [popupTab, remounted] = (await remindingTabs(tabs, 2)) as [Tab, Tab];
    remounted.disconnect();
    popupTab.client.reconnect(); // the notice's button there: its popup stays open, its word reaches no one here
    await vi.waitFor(async () => expect(await reauthLockHeld(tabs)).toBe(true));

    remounted.sync.connect(remounted.client);
    // No notice here whose button would open a second popup.
    await waitFor(remounted.client.actor, (s) => s.matches({ active: 'elsewhere' }), { timeout: 1_000 });
    expect(reportNotes(remounted)).toContain('tab.reauth.held');
  });

  it('follows no popup for a connection undone before the lock manager answered: it is left as it was', async () => {
    const { locks, queried } = lockManagerWithQueries();
    const tabs = layer.tabs({ locks });
    const [popupTab, unmounted] = [tabs.open(), tabs.open({ connect: false })];
    await expireWithHeldCalls(popupTab, unmounted);
    popupTab.client.reconnect(); // its popup stays open
    await vi.waitFor(async () => expect(await reauthLockHeld(tabs)).toBe(true));

    unmounted.sync.connect(unmounted.client)(); // mounted and unmounted at once: it stays disconnected
    await queried();
    expect(unmounted.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
    expect((await locks.query()).pending).toEqual([]);
  });

  it('offers Reconnect again after popupTimeoutMs in a tab without Web Locks, should the popup never finish', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // popupTimeoutMs passes when told
    const tabs = layer.tabs({ sync: { popupTimeoutMs: 100 } });
    const stuck = tabs.open();
    // A tab of the app without Web Locks: it hears of the popup, but cannot queue for its lock.
    const inner = { validate: async () => false, reauthenticate: () => new Promise<string>(() => {}) };
    const unlocked = tabs.open({ sync: createTabSync(inner, { name: tabs.name, popupTimeoutMs: 100 }) });
    await expireWithHeldCalls(stuck, unlocked);
    stuck.client.reconnect(); // its popup never settles
    await waitFor(unlocked.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    // A call held meanwhile is no news of the popup: it still shows "Reconnecting in another tab…".
    unlocked.client.authFetch(`${API}/api/later`).catch(() => {});
    await vi.advanceTimersByTimeAsync(0); // holds reach the chart a task later
    expect(unlocked.client.actor.getSnapshot().context.queue).toHaveLength(2);
    expect(unlocked.client.actor.getSnapshot().matches({ needsReauth: 'elsewhere' })).toBe(true);

    await vi.advanceTimersByTimeAsync(100);
    expect(unlocked.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
    expect(reportNotes(unlocked)).toContain('lock.reauth followed too long');
  });

  it('ends the follow when the token comes, without Web Locks: no wait too long is noted after it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // popupTimeoutMs passes when told
    const tabs = layer.tabs({ sync: { popupTimeoutMs: 100 } });
    const popupTab = tabs.open();
    const inner = {
      validate: async ({ token }: { token: string | null }) => backend.valid.has(token!),
      reauthenticate: () => new Promise<string>(() => {}),
    };
    const unlocked = tabs.open({ sync: createTabSync(inner, { name: tabs.name, popupTimeoutMs: 100 }) });
    await expireWithHeldCalls(popupTab, unlocked);
    popupTab.client.reconnect();
    await waitFor(unlocked.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    await waitFor(unlocked.client.actor, (s) => s.matches('active'));

    await vi.advanceTimersByTimeAsync(100);
    expect(reportNotes(unlocked)).not.toContain('lock.reauth followed too long');
  });

  it('follows a popup in an active tab without Web Locks for popupTimeoutMs at most, its notice kept away meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // popupTimeoutMs passes when told
    const tabs = layer.tabs({ sync: { popupTimeoutMs: 100 } });
    const popupTab = tabs.open();
    const inner = { validate: async () => true, reauthenticate: () => new Promise<string>(() => {}) };
    const unlocked = tabs.open({ sync: createTabSync(inner, { name: tabs.name, popupTimeoutMs: 100 }) });
    await expireWithHeldCalls(popupTab);
    popupTab.client.reconnect(); // its popup stays open
    await vi.waitFor(() => expect(reportNotes(unlocked)).toContain('tab.reauth.started'));
    expect(unlocked.client.actor.getSnapshot().matches({ active: 'elsewhere' })).toBe(true);

    await vi.advanceTimersByTimeAsync(100);
    expect(reportNotes(unlocked)).toContain('lock.reauth followed too long');
    expect(unlocked.client.actor.getSnapshot().matches({ active: 'elsewhere' })).toBe(false);
  });

  it("keeps showing another tab's popup in a tab without Web Locks connected again a moment after its undo", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // the moment passes when told
    const tabs = layer.tabs({ sync: { popupTimeoutMs: 100 } });
    const popupTab = tabs.open();
    const inner = {
      validate: async ({ token }: { token: string | null }) => backend.valid.has(token!),
      reauthenticate: () => new Promise<string>(() => {}),
    };
    const remounted = tabs.open({ sync: createTabSync(inner, { name: tabs.name, popupTimeoutMs: 100 }) });
    const held = await expireWithHeldCalls(popupTab, remounted);
    popupTab.client.reconnect(); // its popup stays open
    await waitFor(remounted.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));

    remounted.disconnect();
    await vi.advanceTimersByTimeAsync(50); // unmounted for a moment, within popupTimeoutMs
    remounted.sync.connect(remounted.client);
    // "Reconnecting in another tab…", not a Reconnect that would open a second popup.
    expect(remounted.client.actor.getSnapshot().matches({ needsReauth: 'elsewhere' })).toBe(true);
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(tabs.popups).toHaveLength(1);
  });

  it('tells no popup to the others when its sign-in settled before the re-auth lock was granted, and lets the lock go', async () => {
    const locks = createFakeLocks({ grantInTask: true });
    const tabs = layer.tabs({ locks });
    const [first, second] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(first, second);
    first.client.reconnect();
    backend.valid.add('t2');
    tabs.popups[0]!.resolve('t2'); // at once: the provider still had a session
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    // Free within a moment: the lock is held only while a popup is open.
    expect(await locks.request(`${tabs.name}:reauth`, { signal: AbortSignal.timeout(1_000) }, () => 'free')).toBe('free');
    expect(reportNotes(second)).not.toContain('tab.reauth.started');
  });
});

describe('the answers the tabs share', () => {
  /** localStorage as the tabs share it. */
  const memory = () => {
    const items = new Map<string, string>();
    return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
  };

  it('reads the stored answer when the lock manager lists a lock with no name', async () => {
    const locks: TabLocks = { ...createFakeLocks(), query: async () => ({ held: [{}] }) };
    const answers = createSharedAnswers({ name: 'app', ttl: 5_000, locks, storage: memory() });
    await answers.write('t1', true);
    expect(await answers.read('t1')).toBe(true);
  });

  it('shares an answer another tab holds already, at the same moment, without waiting answerTtlMs for its lock', async () => {
    vi.useFakeTimers(); // one moment: the two answers are the same lock's name
    const locks = createFakeLocks();
    const [first, second] = [
      createSharedAnswers({ name: 'app', ttl: 5_000, locks }),
      createSharedAnswers({ name: 'app', ttl: 5_000, locks }),
    ];
    await first.write('t1', true);
    let shared = false;
    void second.write('t1', true).then(() => (shared = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(shared).toBe(true);
  });

  it('takes the newest of the answers it finds, wherever each is kept', async () => {
    let now = 1_000;
    const [locks, storage] = [createFakeLocks(), memory()];
    // A yes only in storage (the tab that gave it has no locks), a later no held as a lock's name.
    await createSharedAnswers({ name: 'app', ttl: 5_000, storage, now: () => now }).write('t1', true);
    now = 2_000;
    void createSharedAnswers({ name: 'app', ttl: 5_000, locks, now: () => now }).write('t1', false);
    await vi.waitFor(() => expect(locks.held.size).toBe(1));
    expect(await createSharedAnswers({ name: 'app', ttl: 5_000, locks, storage, now: () => now }).read('t1', 0, 0)).toBe(false);
  });

  it('takes no stored answer that is neither a yes nor a no, though it names this token', async () => {
    const storage = memory();
    const answers = createSharedAnswers({ name: 'app', ttl: 5_000, storage });
    await answers.write('t1', false);
    const stored = JSON.parse(storage.getItem('app:validated')!);
    for (const valid of [0, '', 'no', null]) {
      storage.setItem('app:validated', JSON.stringify({ ...stored, valid }));
      expect(await answers.read('t1')).toBeNull();
    }
  });

  it("reuses no yes from the very millisecond of the token's exp: the token is dead from exp on", async () => {
    let now = 1_000;
    const answers = createSharedAnswers({ name: 'app', ttl: 60_000, storage: memory(), now: () => now });
    const token = unsignedJwt({ sub: 'ada', exp: 10 });
    await answers.write(token, true);
    now = 9_999;
    expect(await answers.read(token)).toBe(true);
    now = 10_000;
    expect(await answers.read(token)).toBeNull();
  });

  it('takes, asking whether the backend is back, only an answer given after that began: not one of that instant', async () => {
    let now = 1_000;
    const answers = createSharedAnswers({ name: 'app', ttl: 60_000, storage: memory(), now: () => now });
    await answers.write('t1', false);
    now = 2_000;
    expect(await answers.read('t1', 0, 1_000)).toBe(false); // a rejected token stays rejected
    expect(await answers.read('t1', 0, 1_000, true)).toBeNull(); // asked before the probe began: no word that the backend is back
    expect(await answers.read('t1', 0, 999, true)).toBe(false);
  });

  it('still shares the answer through storage when the lock manager fails', async () => {
    vi.useFakeTimers();
    const locks: TabLocks = { query: async () => ({ held: [] }), request: () => Promise.reject(new Error('lock manager gone')) };
    const storage = memory();
    let shared = false;
    void createSharedAnswers({ name: 'app', ttl: 5_000, locks, storage })
      .write('t1', false)
      .then(() => (shared = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(shared).toBe(true);
    expect(await createSharedAnswers({ name: 'app', ttl: 5_000, locks, storage }).read('t1')).toBe(false);
  });
});

describe('createTabSync, given no function to wrap', () => {
  // Else its validate would fail with a TypeError on every check, which the session takes for a network down: offline for good.
  it.each([['validate'], ['reauthenticate']])('without %s: throws a TypeError that names it', (name) => {
    const inner = { validate: async () => true, reauthenticate: async () => 't2', [name]: undefined };
    expect(() => createTabSync(inner as never)).toThrow(new TypeError(`createTabSync: ${name} must be a function, got undefined.`));
  });

  it.each([[undefined], [null]])('given %s for the session options: throws the same TypeError, naming validate', (inner) => {
    expect(() => createTabSync(inner as never)).toThrow(new TypeError('createTabSync: validate must be a function, got undefined.'));
  });
});

describe('createTabSync, given a time no timer can wait', () => {
  const inner = { validate: async () => true, reauthenticate: async () => 't2' };
  // `popupTimeoutMs: Infinity` for "follow it for good": setTimeout fires at once past 2^31-1 ms, so Reconnect would show beside the open popup.
  it.each([
    ['popupTimeoutMs', Number.POSITIVE_INFINITY, 1],
    ['lockTimeoutMs', 0, 1],
    ['answerTtlMs', -1, 0],
  ])('%s: %s throws a TypeError that says what to give', (name, ms, least) => {
    expect(() => createTabSync(inner, { [name]: ms })).toThrow(
      new TypeError(`createTabSync: options.${name} must be a number of milliseconds from ${least} to 2^31-1 (2147483647), got ${ms}.`),
    );
  });
});
