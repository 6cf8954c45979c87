/** @vitest-environment node */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { PopupClosedError } from '../../src/lib/session/errors.ts';
import { type TabLocks, underLock } from '../../src/lib/session/tab-locks.ts';
import { createTabSync } from '../../src/lib/session/tab-sync.ts';
import { createFakeLocks } from '../support/fake-locks.ts';
import { API, layerOnFakeBackend } from '../support/layer-fixture.ts';
import { unhandledDuring } from '../support/outcomes.ts';
import { reportNotes } from '../support/tabs.ts';
import { inProductionBuild } from '../support/production-build.ts';

const layer = layerOnFakeBackend();
const { backend, expireWithHeldCalls } = layer;
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/**
 * Timers and Date on fake time, the tabs' channels on real time (created after this); the count of the messages
 * those channels got, each counted as it is dispatched, before the tab hears it.
 */
function onFakeTime(): () => number {
  let heard = 0;
  vi.stubGlobal(
    'BroadcastChannel',
    class extends BroadcastChannel {
      constructor(name: string) {
        super(name);
        this.addEventListener('message', () => heard++);
      }
    },
  );
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  return () => heard;
}

/** vi.waitFor without a fake millisecond passing between its checks. */
const untilNow = (check: () => void) => vi.waitFor(check, { interval: 0 });

describe('the locks between tabs', () => {
  it('answers a popup closed while its tab waits for the re-auth lock at once, and leaves no rejection unhandled', async () => {
    const tabs = layer.tabs();
    const [first, second] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(first, second);

    const unhandled = await unhandledDuring(async () => {
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
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 50 } });
    const tab = tabs.open();
    // A frozen tab: it took the validation lock and will never answer.
    tabs.locks!.request(`${tabs.name}:validate`, {}, () => new Promise(() => {})).catch(() => {}); // taken over: rejected
    backend.valid.delete('t1');
    tab.client.authFetch(`${API}/api/a`).catch(() => {});

    await waitFor(tab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 2_000 });
    expect(tabs.meCalls).toEqual(['tab 0']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/held the lock ".*:validate" for over 50 ms; taking it over/));
    expect(reportNotes(tab)).toContain('lock.validate taken over'); // the report says why the validation came late
  });

  it('takes a frozen validation lock over lockTimeoutMs after its holder last said it was asking, to the millisecond', async () => {
    const heard = onFakeTime();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 300 } });
    const tab = tabs.open({ validate: async () => true });
    // A tab took the validation lock, said once it was asking the backend, and froze.
    tabs.locks!.request(`${tabs.name}:validate`, {}, () => new Promise(() => {})).catch(() => {}); // taken over: rejected
    let answered = false;
    void tab.sync.validate({ token: 't1', signal: new AbortController().signal }).then(() => (answered = true));
    await vi.advanceTimersByTimeAsync(150);
    const frozen = new BroadcastChannel(tabs.name);
    frozen.postMessage({ type: 'validating' });
    await untilNow(() => expect(heard()).toBe(1));
    frozen.close();

    await vi.advanceTimersByTimeAsync(299);
    expect([answered, tabs.meCalls]).toEqual([false, []]);
    await vi.advanceTimersByTimeAsync(1); // lockTimeoutMs since its word
    await untilNow(() => expect(answered).toBe(true));
    expect(tabs.meCalls).toEqual(['tab 0']);
    expect(reportNotes(tab)).toContain('lock.validate taken over');
  });

  it("waits for a tab granted the validation lock late in this tab's wait: it says at once that it is asking", async () => {
    const heard = onFakeTime();
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 300 } });
    let backendSays!: (valid: boolean) => void;
    const asking = tabs.open({ validate: () => new Promise<boolean>((resolve) => (backendSays = resolve)) });
    const waiting = tabs.open({ validate: async () => true });
    // Another validation holds the lock for most of lockTimeoutMs; both tabs queue behind it.
    let release!: () => void;
    void tabs.locks!.request(`${tabs.name}:validate`, {}, () => new Promise<void>((resolve) => (release = resolve)));
    const signal = new AbortController().signal;
    const answers = [asking.sync.validate({ token: 't1', signal }), waiting.sync.validate({ token: 't1', signal })];
    await vi.advanceTimersByTimeAsync(270);
    release(); // the first tab in the queue asks the backend now
    await untilNow(() => expect([tabs.meCalls, heard()]).toEqual([['tab 0'], 1]));

    await vi.advanceTimersByTimeAsync(30); // lockTimeoutMs since the second tab began to wait
    backendSays(false);
    expect(await Promise.all(answers)).toEqual([false, false]);
    expect(tabs.meCalls).toEqual(['tab 0']);
  });

  it("takes a frozen tab's validation lock over though another tab validated before: its word that it asks ends with its answer", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 50 } });
    const [earlier, later] = [tabs.open({ validate: async () => true }), tabs.open({ validate: async () => true })];
    const signal = new AbortController().signal;
    expect(await earlier.sync.validate({ token: 't1', signal })).toBe(true);
    tabs.locks!.request(`${tabs.name}:validate`, {}, () => new Promise(() => {})).catch(() => {}); // taken over: rejected

    let answered = false;
    void later.sync.validate({ token: 't2', signal }).then(() => (answered = true));
    await vi.waitFor(() => expect(answered).toBe(true), { timeout: 2_000 });
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1']);
  });

  it('lets the other tabs validate once the session gave up on a validate that never settles and ignores its signal', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 60 }, session: { validationTimeoutMs: 200 } });
    // A validate whose fetch has no signal, to a backend that never answers.
    const stuck = tabs.open({ validate: () => new Promise<boolean>(() => {}) });
    const other = tabs.open();
    backend.valid.delete('t1');
    stuck.client.authFetch(`${API}/api/a`).catch(() => {});
    await waitFor(stuck.client.actor, (s) => s.matches('offline'), { timeout: 2_000 }); // its validation timed out

    other.client.authFetch(`${API}/api/b`).catch(() => {});
    const settled = await waitFor(other.client.actor, (s) => s.matches('needsReauth') || s.matches('offline'), { timeout: 2_000 });
    expect(settled.matches({ needsReauth: 'waiting' })).toBe(true);
    expect(tabs.meCalls).toEqual(['tab 0', 'tab 1']);
    expect(warn).not.toHaveBeenCalled(); // the lock was let go, not taken over
  });

  it("rejects a validate that never settles with its signal's reason once the session gives it up, and shares no answer", async () => {
    const storage = new Map<string, string>();
    const sync = createTabSync(
      { validate: () => new Promise<boolean>(() => {}), reauthenticate: () => new Promise<string>(() => {}) },
      {
        name: `qs-test-${Math.random()}`,
        locks: createFakeLocks(),
        storage: {
          getItem: (key) => storage.get(key) ?? null,
          setItem: (key, value) => void storage.set(key, value),
        },
      },
    );
    const controller = new AbortController();
    const asked = sync.validate({ token: 't1', signal: controller.signal });
    const reason = new DOMException('The validation timed out.', 'TimeoutError');
    controller.abort(reason);
    await expect(asked).rejects.toBe(reason);
    expect([...storage.values()]).toEqual([]);
  });

  it('leaves no timer running once a validation is answered and its answer shared for answerTtlMs', async () => {
    vi.useFakeTimers();
    const inner = { validate: async () => true, reauthenticate: () => new Promise<string>(() => {}) };
    const sync = createTabSync(inner, { name: `qs-test-${Math.random()}`, locks: createFakeLocks(), answerTtlMs: 100 });
    expect(await sync.validate({ token: 't1', signal: new AbortController().signal })).toBe(true);
    await vi.advanceTimersByTimeAsync(100); // the answer's lock goes
    expect(vi.getTimerCount()).toBe(0);
  });

  it('offers Reconnect again when the tab with the popup never finishes, and takes its lock over', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 50, popupTimeoutMs: 100 } });
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
    // The reports say why Reconnect came back, and who took the popup's lock.
    expect(reportNotes(second)).toEqual(expect.arrayContaining(['lock.reauth followed too long', 'lock.reauth taken over']));
    expect(reportNotes(third)).toContain('lock.reauth followed too long');
    expect(reportNotes(third)).not.toContain('lock.reauth taken over');
  });

  it('validates while another tab has its popup open: the two locks stay apart', async () => {
    const tabs = layer.tabs({ sync: { lockTimeoutMs: 60_000 } }); // no take-over to hide a wait
    const [popupTab, other] = [tabs.open(), tabs.open()];
    backend.valid.delete('t1');
    popupTab.client.authFetch(`${API}/api/a`).catch(() => {});
    await waitFor(popupTab.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    popupTab.client.reconnect();
    expect(popupTab.client.actor.getSnapshot().matches('reauthenticating')).toBe(true);

    other.client.authFetch(`${API}/api/b`).catch(() => {});
    await waitFor(other.client.actor, (s) => s.matches('needsReauth'), { timeout: 1_000 });
    expect(tabs.popups).toHaveLength(1); // still open
  });

  it('leaves the queue for the validation lock when the session stops waiting, and sends no validation later', async () => {
    const tabs = layer.tabs();
    let answer!: (valid: boolean | Promise<boolean>) => void;
    const slow = tabs.open({ validate: () => new Promise((resolve) => (answer = resolve)) });
    const asked: Array<string | null> = [];
    const waiting = tabs.open({ validate: async (token) => asked.push(token) > 0 && token === 't2' });
    slow.client.authFetch(`${API}/status/401`).catch(() => {});
    await waitFor(slow.client.actor, (s) => s.matches('validating'));
    waiting.client.authFetch(`${API}/status/401`).catch(() => {});
    await waitFor(waiting.client.actor, (s) => s.matches('validating'));

    waiting.client.adoptToken('t2'); // another tab's new token: the session stops validating t1, and asks about t2
    answer(Promise.reject(new TypeError('Failed to fetch'))); // no answer to share: a tab still queued would ask
    await waitFor(slow.client.actor, (s) => s.matches('offline'));
    await waitFor(waiting.client.actor, (s) => s.matches('active'));
    // Granted once every request queued before it is done.
    await tabs.locks!.request(`${tabs.name}:validate`, {}, () => {});
    expect(asked).toEqual(['t2']); // never t1, whose check it gave up
  });
});

describe('underLock', () => {
  /** A tab that took `name` and never lets go. */
  const frozenHolder = (locks: TabLocks, name: string) => void locks.request(name, {}, () => new Promise(() => {})).catch(() => {});

  it('takes the lock over and answers with the work when no one asked to hear of it', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const locks = createFakeLocks();
    frozenHolder(locks, 'app:work');
    await expect(underLock(locks, 'app:work', 20, new AbortController().signal, async () => 'done')).resolves.toBe('done');
  });

  it('still answers with its work when another tab takes the lock over from it in turn', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const locks = createFakeLocks();
    frozenHolder(locks, 'app:work');
    let finish!: (value: string) => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const answer = underLock(locks, 'app:work', 20, new AbortController().signal, () => {
      started();
      return new Promise<string>((resolve) => (finish = resolve));
    });
    await running;
    frozenHolder({ ...locks, request: (name, _options, grant) => locks.request(name, { steal: true }, grant) }, 'app:work');
    finish('mine');
    await expect(answer).resolves.toBe('mine');
  });

  it('leaves the queue as soon as its caller stops waiting: the work never runs, even once the holder lets go', async () => {
    const locks = createFakeLocks();
    let letGo!: () => void;
    const taken = new Promise<void>((resolve) => {
      locks.request('app:work', {}, () => {
        resolve();
        return new Promise<void>((release) => (letGo = release));
      });
    });
    await taken;
    const controller = new AbortController();
    const work = vi.fn(async () => 'done');
    const answer = underLock(locks, 'app:work', 60_000, controller.signal, work).catch((error: unknown) => error);
    const gone = new Error('the session stopped');
    controller.abort(gone);
    letGo();
    expect(await answer).toBe(gone);
    await locks.request('app:work', {}, () => {}); // granted once every request queued before it is done
    expect(work).not.toHaveBeenCalled();
  });

  it('fails when the lock manager refuses to take the lock over, having run nothing', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fake = createFakeLocks();
    frozenHolder(fake, 'app:work');
    const refused = new Error('no steal here');
    const locks: TabLocks = {
      query: fake.query,
      request: (name, options, grant) => (options.steal ? Promise.reject(refused) : fake.request(name, options, grant)),
    };
    const work = vi.fn(async () => 'done');
    await expect(underLock(locks, 'app:work', 20, new AbortController().signal, work)).rejects.toBe(refused);
    expect(work).not.toHaveBeenCalled();
  });

  it('leaves no timer behind when the lock manager fails the request at once', async () => {
    vi.useFakeTimers();
    try {
      const broken = new Error('lock manager gone');
      const locks: TabLocks = { query: async () => ({}), request: () => Promise.reject(broken) };
      await expect(underLock(locks, 'app:work', 3_000, new AbortController().signal, async () => 'done')).rejects.toBe(broken);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes a lock over without a word on the console in a production build', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await inProductionBuild(
      () => import('../../src/lib/session/tab-locks.ts'),
      async (production) => {
        const locks = createFakeLocks();
        frozenHolder(locks, 'app:work');
        await expect(production.underLock(locks, 'app:work', 20, new AbortController().signal, async () => 'done')).resolves.toBe('done');
        expect(warn).not.toHaveBeenCalled();
      },
    );
  });
});
