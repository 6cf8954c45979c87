import type { HeldRequest } from '../../../machines/session.machine.ts';

/**
 * The one owner of who is held: every held call's caller, and what the chart
 * is told of it. The chart's `context.queue` is the picture; the registry
 * lets callers go or gives them up, all of them, told to the chart yet or not.
 */
export interface HoldRegistry {
  /**
   * Parks a call until `releaseAll` (then, a microtask later, answers it with `resume(arg)`), `rejectAll`,
   * or its signal aborting (then rejects with the signal's reason). `resume` and `arg` apart, so that one
   * shared function serves every held call: no closure per call.
   */
  hold<A, T>(request: Omit<HeldRequest, 'id'>, signal: AbortSignal | null | undefined, resume: (arg: A) => Promise<T>, arg: A): Promise<T>;
  /** Lets every held call go. */
  releaseAll(): void;
  /** Gives up every held call with `error()`. */
  rejectAll(error: () => unknown): void;
}

/** What the registry tells the chart. */
export interface HoldAnnouncer {
  /** True when the next hold must be told at once (it takes the session out of a sending state). */
  announceNow(): boolean;
  /** Tells the chart of holds: the first at once when `announceNow()`, the rest together a timer turn later. */
  announce(requests: readonly HeldRequest[]): void;
  /** Tells the chart that a hold it knows of was aborted. */
  withdraw(id: string): void;
}

interface Held {
  request: HeldRequest;
  resolve: (value: Promise<unknown>) => void;
  reject: (error: unknown) => void;
  resume: (arg: unknown) => Promise<unknown>;
  arg: unknown;
  signal?: AbortSignal | null;
  announced: boolean;
}

/**
 * The held calls waiting on each caller's signal, of every registry: one 'abort' listener a signal however many
 * calls share it (a page's AbortController), as Node warns of a leak from 11 listeners on one target.
 */
const bySignal = new WeakMap<AbortSignal, Map<Held, (entry: Held) => void>>();

/** The one listener: each entry leaves the map as it is answered, and one that another's answer let go is skipped. */
function abortHeld(this: AbortSignal) {
  // None left: a listener removed while the signal dispatches still runs where the platform snapshots them (happy-dom).
  for (const [entry, aborted] of bySignal.get(this) ?? []) aborted(entry);
}

/** Its registry's `aborted` beside the entry, not on it: a call held with no signal costs no more. */
const listen = (entry: Held, signal: AbortSignal, aborted: (entry: Held) => void) => {
  let entries = bySignal.get(signal);
  if (!entries) {
    bySignal.set(signal, (entries = new Map()));
    signal.addEventListener('abort', abortHeld);
  }
  entries.set(entry, aborted);
};

/** Takes `entry` off its signal, and the listener off the signal with it once no call waits on it. */
const unlisten = (entry: Held) => {
  const { signal } = entry;
  const entries = signal && bySignal.get(signal);
  if (entries?.delete(entry) && !entries.size) {
    bySignal.delete(signal!);
    signal!.removeEventListener('abort', abortHeld);
  }
};

/**
 * @example
 * const held = createHoldRegistry({ announceNow: () => true, announce: console.log, withdraw: console.log });
 * const answer = held.hold({ method: 'GET', url: 'https://api.test/a', reason: 'unsent' }, null, async (path) => `sent ${path}`, '/a');
 * held.releaseAll(); await answer; // 'sent /a'
 */
export function createHoldRegistry(announcer: HoldAnnouncer): HoldRegistry {
  const held = new Map<string, Held>();
  let lastId = 0;
  /** Holds not yet told to the chart, and the timer that will tell them. */
  const unannounced = new Set<Held>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const announce = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!unannounced.size) return;
    const batch = [...unannounced];
    unannounced.clear();
    for (const entry of batch) entry.announced = true;
    announcer.announce(batch.map((entry) => entry.request));
  };
  const aborted = (entry: Held) => {
    held.delete(entry.request.id);
    unlisten(entry);
    entry.reject(entry.signal!.reason);
    // The chart never heard of an unannounced hold: it simply leaves the batch.
    if (entry.announced) announcer.withdraw(entry.request.id);
    else unannounced.delete(entry);
  };
  const settleAll = (settle: (entry: Held) => void) => {
    clearTimeout(timer);
    timer = undefined;
    unannounced.clear();
    const all = [...held.values()];
    held.clear();
    for (const entry of all) {
      unlisten(entry);
      settle(entry);
    }
  };

  return {
    hold: <A, T>(request: Omit<HeldRequest, 'id'>, signal: AbortSignal | null | undefined, resume: (arg: A) => Promise<T>, arg: A) =>
      new Promise<T>((resolve, reject) => {
        const entry: Held = {
          // Stryker disable next-line UpdateOperator: ids need only be distinct, and counting down gives distinct ids too
          request: { id: String(++lastId), ...request },
          resolve: resolve as Held['resolve'],
          reject,
          resume: resume as Held['resume'],
          arg,
          signal,
          announced: false,
        };
        if (signal) listen(entry, signal, aborted);
        held.set(entry.request.id, entry);
        // The first hold is told at once (it leaves `active`); the next ones a turn later, together: a storm is one event.
        unannounced.add(entry);
        if (announcer.announceNow()) announce();
        else timer ??= setTimeout(announce);
      }),
    // `resume` runs a microtask later, never inside the chart's action that lets the calls go.
    releaseAll: () => settleAll((entry) => entry.resolve(Promise.resolve().then(() => entry.resume(entry.arg)))),
    rejectAll: (error) => settleAll((entry) => entry.reject(error())),
  };
}
