import type { PopupHost, SignInChannel } from '../../src/lib/session/index.ts';

type Listener = (event: MessageEvent) => void;

/**
 * BroadcastChannels of one origin, in one process: a message goes,
 * structured-cloned, to every other open channel of the same name (never back
 * to its sender, never after `close()`), at once. It counts what is still open
 * and listening, so a test can say that nothing was left behind.
 */
export function createChannelBus() {
  const open = new Set<FakeChannel>();
  const sent: Array<{ name: string; data: unknown }> = [];
  class FakeChannel implements SignInChannel {
    readonly listeners = new Set<Listener>();
    constructor(readonly name: string) {
      open.add(this);
    }
    postMessage(data: unknown) {
      if (!open.has(this)) throw new DOMException('BroadcastChannel is closed.', 'InvalidStateError');
      sent.push({ name: this.name, data });
      for (const other of [...open]) {
        if (other === this || other.name !== this.name) continue;
        for (const listener of [...other.listeners]) listener({ data: structuredClone(data) } as MessageEvent);
      }
    }
    // As a browser's: a listener added or removed under another type is not one of 'message'.
    addEventListener(type: 'message', listener: Listener) {
      if (type === 'message') this.listeners.add(listener);
    }
    removeEventListener(type: 'message', listener: Listener) {
      if (type === 'message') this.listeners.delete(listener);
    }
    close() {
      open.delete(this);
    }
  }
  return {
    BroadcastChannel: FakeChannel as new (name: string) => SignInChannel,
    /** Every message posted on any channel, in order. */
    sent,
    /** Channels not closed yet, by name. */
    openChannels: () => [...open].map((channel) => channel.name),
    /** Listeners on channels not closed yet. */
    channelListeners: () => [...open].reduce((sum, channel) => sum + channel.listeners.size, 0),
    /** Posts `data` on a channel of our own, as another page of the origin (the callback page) does. */
    post(name: string, data: unknown) {
      const channel = new FakeChannel(name);
      channel.postMessage(data);
      channel.close();
    },
  };
}

/** A popup window as the opener sees it: `closed` is what the browser says, not always the truth (COOP). */
export interface FakePopup {
  closed: boolean;
  closeCalls: number;
  close(): void;
}

/**
 * The opener's `window`: `open` hands out popups (or null once `blockNext` is set, as a popup
 * blocker does), `message` listeners are counted, and the channels come from `bus`.
 */
export function createOpenerWindow(bus: ReturnType<typeof createChannelBus>, origin = 'https://studio.test') {
  const listeners = new Set<Listener>();
  const popups: FakePopup[] = [];
  const opened: string[] = [];
  let blockNext = false;
  const host: PopupHost = {
    open: (url) => {
      opened.push(url);
      if (blockNext) return null;
      const popup: FakePopup = {
        closed: false,
        closeCalls: 0,
        close() {
          popup.closeCalls++;
          popup.closed = true;
        },
      };
      popups.push(popup);
      return popup;
    },
    addEventListener: (type, listener) => void (type === 'message' && listeners.add(listener)),
    removeEventListener: (type, listener) => void (type === 'message' && listeners.delete(listener)),
    location: { origin },
    BroadcastChannel: bus.BroadcastChannel,
  };
  return {
    host,
    popups,
    opened,
    block: () => void (blockNext = true),
    /** A `postMessage` to this window, from `source` (default: the last popup) and our origin unless told. */
    post(data: unknown, from: { origin?: string; source?: unknown } = {}) {
      const event = { data: structuredClone(data), origin: from.origin ?? origin, source: 'source' in from ? from.source : popups.at(-1) };
      for (const listener of [...listeners]) listener(event as MessageEvent);
    },
    windowListeners: () => listeners.size,
  };
}
