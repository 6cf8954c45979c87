import type { AnyActorRef } from 'xstate';

/** What `openStatelyInspector` may be told. */
export interface InspectorOptions {
  /** Called once the inspector's window reads closed (or never opened: blocked); the inspector has stopped by then. */
  onClosed?: () => void;
  /** How often to look whether the window reads closed (default 500 ms): a window's closing fires nothing at its opener. */
  closedCheckMs?: number;
  /** Aborted while the inspector loads (the page that asked is gone): no window opens. */
  signal?: AbortSignal;
}

/**
 * Opens the Stately Inspector on a running session actor. `@statelyai/inspect`
 * is imported here, on demand, so it is fetched only when someone asks for it
 * and stays out of the main bundle. The chart's events and context hold only
 * request summaries (method, origin + path), never the token. Resolves with
 * the stop; once the user closes the window it stops by itself.
 *
 * @example
 * <button onClick={() => void openStatelyInspector(client.actor, { onClosed: () => setOpen(false) })}>Open Stately Inspector</button>
 */
export async function openStatelyInspector(
  actor: AnyActorRef,
  { onClosed, closedCheckMs = 500, signal }: InspectorOptions = {},
): Promise<() => void> {
  const { createBrowserInspector } = await import('@statelyai/inspect');
  if (signal?.aborted) return () => {};
  const inspector = createBrowserInspector();
  // The actor already runs: introduce it with its current state, then follow it live.
  inspector.actor(actor, actor.getSnapshot());
  const subscription = actor.system.inspect(inspector.inspect);
  const stop = () => {
    clearInterval(closedCheck);
    subscription.unsubscribe();
    inspector.stop();
  };
  const closedCheck = setInterval(() => {
    if (inspector.adapter.targetWindow && !inspector.adapter.targetWindow.closed) return;
    stop();
    onClosed?.();
  }, closedCheckMs);
  return stop;
}
