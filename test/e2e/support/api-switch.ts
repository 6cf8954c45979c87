import { connect, createServer, type Server, type Socket } from 'node:net';
import { byteGate, type ByteGate, type GatePace } from './byte-gate.ts';

/** A proxy in front of the API that the test can take down (connections refused), slow down or stall, and bring back. */
export interface ApiSwitch {
  /** The proxy's URL: where the app sends its API calls. */
  url: string;
  /** Refuses new connections and cuts the open ones, as a backend that went away. */
  down: () => Promise<void>;
  /** Accepts connections again, on the same port: to the same backend, or to the one on `targetPort` (a restarted backend). */
  up: (targetPort?: number) => Promise<void>;
  /** Every answer from now on reaches the app `delayMs` after the backend gave it, as from a slow backend (0: at once again). */
  slow: (delayMs: number) => void;
  /** Connections are taken and kept open, but nothing passes either way: a backend that stopped answering. */
  stall: () => void;
  /** Ends `stall`: what waited goes on, in order, and so does everything after it. */
  flow: () => void;
}

/**
 * A TCP proxy on 127.0.0.1:`port` to 127.0.0.1:`targetPort`, up from the start, passing bytes at once.
 *
 * @example
 * const api = await startApiSwitch(proxyPort, apiPort); await api.down(); await api.up();
 * api.slow(6_500); api.stall(); api.flow(); api.slow(0);
 */
export async function startApiSwitch(port: number, targetPort: number): Promise<ApiSwitch> {
  let server: Server | null = null;
  let target = targetPort;
  const open = new Set<Socket>();
  const gates = new Set<ByteGate>();
  const answers: GatePace = { delayMs: 0, stalled: false };
  const asks = (): GatePace => ({ delayMs: 0, stalled: answers.stalled });
  const up = (nextTarget = target) =>
    new Promise<void>((done, fail) => {
      target = nextTarget;
      server = createServer((client) => {
        const backend = connect(target, '127.0.0.1');
        const toBackend = byteGate(client, backend, asks);
        const toClient = byteGate(backend, client, () => answers);
        const cut = () => {
          for (const socket of [client, backend]) {
            socket.destroy();
            open.delete(socket);
          }
          gates.delete(toBackend);
          gates.delete(toClient);
        };
        gates.add(toBackend).add(toClient);
        open.add(client).add(backend);
        client.on('error', cut).on('close', cut);
        // The backend's close waits for its gate: an answer slowed down still reaches the app, then its end.
        backend.on('error', cut);
      });
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => done());
    });
  const down = () =>
    new Promise<void>((done) => {
      for (const socket of open) socket.destroy();
      open.clear();
      gates.clear();
      if (!server) return done();
      server.close(() => done());
      server = null;
    });
  const pumpAll = () => {
    for (const gate of gates) gate.pump();
  };
  await up();
  return {
    url: `http://127.0.0.1:${port}`,
    down,
    up,
    slow: (delayMs) => {
      answers.delayMs = delayMs;
    },
    stall: () => {
      answers.stalled = true;
    },
    flow: () => {
      answers.stalled = false;
      pumpAll();
    },
  };
}
