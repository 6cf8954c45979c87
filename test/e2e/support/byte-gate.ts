import type { Socket } from 'node:net';

/** How a gate lets bytes through: each chunk after `delayMs`, none at all while `stalled`. */
export interface GatePace {
  delayMs: number;
  stalled: boolean;
}

/** One direction of a proxied connection, whose bytes go on in order at the pace asked. */
export interface ByteGate {
  /** Takes what `from` reads, and its end, for `to`. */
  pump: () => void;
}

/**
 * Passes the bytes `from` reads on to `to`, in order, each chunk `pace().delayMs` after it came,
 * none while `pace().stalled`, then ends `to` once everything before `from`'s end went through.
 *
 * @example
 * const gate = byteGate(backend, client, () => ({ delayMs: 6_500, stalled: false }));
 * // after a change of pace: gate.pump();
 */
export function byteGate(from: Socket, to: Socket, pace: () => GatePace): ByteGate {
  const queue: { chunk: Buffer | null; at: number }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pump = () => {
    clearTimeout(timer);
    const { stalled } = pace();
    while (!stalled && queue.length > 0 && queue[0]!.at <= Date.now()) {
      const { chunk } = queue.shift()!;
      // A null chunk is `from`'s end: the answer went on in full before it, as a backend that closes after it.
      if (chunk === null) to.end();
      else if (!to.destroyed) to.write(chunk);
    }
    if (!stalled && queue.length > 0) timer = setTimeout(pump, queue[0]!.at - Date.now());
  };
  const take = (chunk: Buffer | null) => {
    queue.push({ chunk, at: Date.now() + pace().delayMs });
    pump();
  };
  from.on('data', take);
  from.on('end', () => take(null));
  to.on('close', () => clearTimeout(timer));
  return { pump };
}
