import { useCallback, useEffect, useRef, useState } from 'react';

/** Whether the page is on screen: a tab in the background, or minimized, is not. */
const shown = () => globalThis.document?.visibilityState !== 'hidden';

/**
 * News of `topic` between the app's tabs, on a BroadcastChannel: `tell()` reaches the other tabs, never
 * this one; `heard` counts the news from them. News heard while this tab is hidden counts once, when it
 * is shown again: a tab in the background asks nothing more of the backend than it did, and a flurry of
 * tab switches asks only for what it missed. Where there is no BroadcastChannel, nothing is told.
 *
 * @example
 * const credits = useTabNews('credits');
 * <CreditsBadge refreshKey={credits.heard} />; // and credits.tell() once a Generate is paid for
 */
export function useTabNews(topic: string): { heard: number; tell: () => void } {
  const [heard, setHeard] = useState(0);
  // This tab's own channel: one never hears itself, so `tell` is not news here.
  const channel = useRef<BroadcastChannel | null>(null);
  useEffect(() => {
    if (!globalThis.BroadcastChannel) return;
    const own = new BroadcastChannel(`quiet-session.${topic}`);
    channel.current = own;
    let missed = false;
    const count = () => setHeard((n) => n + 1);
    own.onmessage = () => {
      if (shown()) count();
      else missed = true;
    };
    const onVisibility = () => {
      if (!missed || !shown()) return;
      missed = false;
      count();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      own.close();
      channel.current = null;
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [topic]);
  const tell = useCallback(() => channel.current?.postMessage('changed'), []);
  return { heard, tell };
}
