import { vi } from 'vitest';

/**
 * The listeners on `target` from now on, told apart as the DOM tells them apart (type, function, capture):
 * a removal that names another type, or the other phase, leaves the listener where it was.
 *
 * @example
 * const onWindow = liveListeners(window);
 * client.stop();
 * expect([...onWindow]).toEqual([]);
 */
export function liveListeners(target: EventTarget): Set<string> {
  const live = new Set<string>();
  const ids = new Map<unknown, number>();
  const key = (type: string, listener: unknown, options?: boolean | EventListenerOptions) => {
    if (!ids.has(listener)) ids.set(listener, ids.size);
    const capture = typeof options === 'boolean' ? options : options?.capture === true;
    return `${type} #${ids.get(listener)} ${capture ? 'capture' : 'bubble'}`;
  };
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  vi.spyOn(target, 'addEventListener').mockImplementation((type, listener, options) => {
    live.add(key(type, listener, options));
    add(type, listener, options);
  });
  vi.spyOn(target, 'removeEventListener').mockImplementation((type, listener, options) => {
    live.delete(key(type, listener, options));
    remove(type, listener, options);
  });
  return live;
}
