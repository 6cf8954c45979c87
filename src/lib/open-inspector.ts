import type { AnyActorRef } from 'xstate';

/**
 * Opens the Stately Inspector on a running session actor. `@statelyai/inspect`
 * is imported here, on demand, so it is fetched only when someone asks for it
 * and stays out of the main bundle. The chart's events and context hold only
 * request summaries (method, origin + path), never the token.
 *
 * @example
 * <button onClick={() => void openStatelyInspector(client.actor)}>Open Stately Inspector</button>
 */
export async function openStatelyInspector(actor: AnyActorRef): Promise<() => void> {
  const { createBrowserInspector } = await import('@statelyai/inspect');
  const inspector = createBrowserInspector();
  // The actor already runs: introduce it with its current state, then follow it live.
  inspector.actor(actor, actor.getSnapshot());
  const subscription = actor.system.inspect(inspector.inspect);
  return () => {
    subscription.unsubscribe();
    inspector.stop();
  };
}
