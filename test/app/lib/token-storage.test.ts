/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { createTokenStorage } from '../../../src/lib/token-storage.ts';

const ada = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZGEifQ.';
const grace = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJncmFjZSJ9.';

/** A localStorage that throws as `refuse` says, holding `kept` to begin with. */
function storageThat(refuse: { set?: Error; remove?: Error }, kept: Record<string, string> = {}) {
  const items = new Map(Object.entries(kept));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      if (refuse.set) throw refuse.set;
      items.set(key, value);
    },
    removeItem: (key: string) => {
      if (refuse.remove) throw refuse.remove;
      items.delete(key);
    },
  };
}

describe('createTokenStorage, where the browser will not keep the token', () => {
  it('starts, and keeps the token for this tab, where reading localStorage throws (cookies blocked)', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException("Failed to read the 'localStorage' property from 'Window': Access is denied.", 'SecurityError');
      },
    });
    try {
      const tokens = createTokenStorage();
      expect(tokens.getToken()).toBeNull();
      tokens.setToken(ada);
      expect([tokens.getToken(), tokens.account()]).toEqual([ada, 'ada']);
      tokens.clear();
      expect(tokens.getToken()).toBeNull();
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
  });

  it('keeps a new token that a full storage refuses in place of the one before, and says it changed', () => {
    const full = new DOMException('Setting the value exceeded the quota.', 'QuotaExceededError');
    const storage = storageThat({ set: full }, { 'quiet-session.token': ada });
    const tokens = createTokenStorage(storage);
    const changed = vi.fn();
    tokens.subscribe(changed);
    expect(() => tokens.setToken(grace)).not.toThrow();
    expect([tokens.getToken(), tokens.account()]).toEqual([grace, 'grace']);
    expect(changed).toHaveBeenCalledTimes(1);
    tokens.setUser({ id: '2', email: 'grace@example.com', name: 'Grace', role: 'user' });
    expect(tokens.getUser()?.name).toBe('Grace');
  });

  it('signs out after a full storage refused the token it kept for this tab', () => {
    const full = new DOMException('Setting the value exceeded the quota.', 'QuotaExceededError');
    const tokens = createTokenStorage(storageThat({ set: full }, { 'quiet-session.token': ada }));
    tokens.setToken(grace);
    tokens.clear();
    expect([tokens.getToken(), tokens.account()]).toEqual([null, null]);
  });

  it('keeps the token in the page’s localStorage by default: a reload, or another tab, finds it', () => {
    const storage = storageThat({});
    Object.defineProperty(globalThis, 'localStorage', { configurable: true, value: storage });
    try {
      createTokenStorage().setToken(ada);
      expect(createTokenStorage().account()).toBe('ada');
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
  });

  it('signs out though the storage refuses to remove the token', () => {
    const storage = storageThat({ remove: new DOMException('Access is denied.', 'SecurityError') }, { 'quiet-session.token': ada });
    const tokens = createTokenStorage(storage);
    expect(() => tokens.clear()).not.toThrow();
    expect([tokens.getToken(), tokens.account()]).toEqual([null, null]);
  });
});

describe('createTokenStorage, keeping a token in memory, and the other tabs', () => {
  /** The page's `storage` events, as the browser fires them in this tab for another tab's writes. */
  function otherTabs() {
    const page = new EventTarget();
    vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
    vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
    return { wrote: (key: string | null) => page.dispatchEvent(Object.assign(new Event('storage'), { key })) };
  }

  it('follows a sign-out, a newer sign-in or a cleared storage in another tab after the full storage refused its token', () => {
    try {
      const tabs = otherTabs();
      for (const [other, expected] of [
        ['signs out', null],
        ['signs in again', 'ada'],
        ['clears the site’s storage', null],
      ] as const) {
        const full = new DOMException('Setting the value exceeded the quota.', 'QuotaExceededError');
        const storage = storageThat({ set: full }, { 'quiet-session.token': ada });
        const tokens = createTokenStorage(storage);
        const undo = tokens.subscribe(() => {});
        tokens.setToken(grace);
        expect(tokens.account()).toBe('grace');
        // Another tab removes (or writes) the stored token, or clears all (a null key), and this tab hears of it.
        if (other === 'signs in again') storage.items.set('quiet-session.token', ada);
        else storage.items.delete('quiet-session.token');
        tabs.wrote(other === 'clears the site’s storage' ? null : 'quiet-session.token');
        expect(tokens.account()).toBe(expected);
        undo();
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });
  it('signs out when another tab signs out, though the full storage never held the token they shared', async () => {
    const full = new DOMException('Setting the value exceeded the quota.', 'QuotaExceededError');
    // One localStorage for both tabs, full from the start: as a browser, a removal of a key it lacks tells no tab.
    const storage = storageThat({ set: full });
    const tabs = otherTabs();
    const removeItem = storage.removeItem;
    storage.removeItem = (key) => {
      const had = storage.items.has(key);
      removeItem(key);
      if (had) tabs.wrote(key);
    };
    try {
      const here = createTokenStorage(storage);
      const undo = here.subscribe(() => {});
      const there = createTokenStorage(storage);
      // Signed in in one tab, the token adopted by the other (tab sync): each keeps it in memory.
      here.setToken(grace);
      there.setToken(grace);
      there.clear();
      await vi.waitFor(() => expect(here.account()).toBeNull());
      undo();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('createTokenStorage, cleared in this very tab', () => {
  it('tells its listeners at its next read that the token is gone: no storage event comes to the tab that cleared it', async () => {
    const storage = storageThat({}, { 'quiet-session.token': ada });
    const tokens = createTokenStorage(storage);
    const changed = vi.fn();
    tokens.subscribe(changed);
    expect(tokens.account()).toBe('ada');
    // localStorage.clear() in this tab's console, or site data cleared from it.
    storage.items.clear();
    expect(tokens.getToken()).toBeNull();
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1));
    // Told once: its listeners read the same token again.
    expect(tokens.account()).toBeNull();
    await Promise.resolve();
    expect(changed).toHaveBeenCalledTimes(1);
  });
});

describe('createTokenStorage, naming who is signed in from the token', () => {
  /** An unsigned token of `payload`, its JSON as UTF-8 bytes, as the mock backend (and most JWT libraries) write it. */
  const tokenOf = (payload: string) => `eyJhbGciOiJub25lIn0.${Buffer.from(payload, 'utf8').toString('base64url')}.`;

  it('reads the name as it was written, in UTF-8 bytes or in JSON escapes, else the email, else none', () => {
    const tokens = createTokenStorage(storageThat({}));
    expect(tokens.tokenName()).toBeNull();
    for (const [payload, name] of [
      ['{"sub":"j","name":"José Núñez"}', 'José Núñez'],
      ['{"sub":"j","name":"Jos\\u00e9"}', 'José'],
      ['{"sub":"j","name":"  ","email":"jose@example.com"}', 'jose@example.com'],
      ['{"sub":"j","name":{"first":"José"}}', null],
      // Nothing anyone could read: zero-width spaces, a bell, a byte-order mark.
      ['{"sub":"j","name":"\u200b\u200b","email":"jose@example.com"}', 'jose@example.com'],
      ['{"sub":"j","name":"\u0007\ufeff"}', null],
      ['{"sub":"j","name":"🦄"}', '🦄'],
    ] as const) {
      tokens.setToken(tokenOf(payload));
      expect(tokens.tokenName()).toBe(name);
    }
  });

  it('reads a name whose last letter ends in the byte 0xA0 in UTF-8, as the trim of a byte would cut it', () => {
    const tokens = createTokenStorage(storageThat({}));
    // à is C3 A0, Š is C5 A0, 楠 is E6 A5 A0: read a byte a character, A0 is a no-break space.
    for (const name of ['Raffaella Carrà', 'TOMÁŠ NOVÁK', 'TOMÁŠ', '李楠']) {
      tokens.setToken(tokenOf(JSON.stringify({ sub: 'j', name })));
      expect(tokens.tokenName()).toBe(name);
    }
  });
});
