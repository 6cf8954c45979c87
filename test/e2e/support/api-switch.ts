import { connect, createServer, type Server, type Socket } from 'node:net';

/** A proxy in front of the API that the test can take down (connections refused) and bring back. */
export interface ApiSwitch {
  /** The proxy's URL: where the app sends its API calls. */
  url: string;
  /** Refuses new connections and cuts the open ones, as a backend that went away. */
  down: () => Promise<void>;
  /** Accepts connections again, on the same port: to the same backend, or to the one on `targetPort` (a restarted backend). */
  up: (targetPort?: number) => Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1:`port` to 127.0.0.1:`targetPort`, up from the start.
 *
 * @example
 * const api = await startApiSwitch(proxyPort, apiPort); await api.down(); await api.up();
 */
export async function startApiSwitch(port: number, targetPort: number): Promise<ApiSwitch> {
  let server: Server | null = null;
  let target = targetPort;
  const open = new Set<Socket>();
  const up = (nextTarget = target) =>
    new Promise<void>((done, fail) => {
      target = nextTarget;
      server = createServer((client) => {
        const backend = connect(target, '127.0.0.1');
        const end = () => {
          for (const socket of [client, backend]) {
            socket.destroy();
            open.delete(socket);
          }
        };
        for (const socket of [client, backend]) {
          open.add(socket);
          socket.on('error', end);
          socket.on('close', end);
        }
        client.pipe(backend).pipe(client);
      });
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => done());
    });
  const down = () =>
    new Promise<void>((done) => {
      for (const socket of open) socket.destroy();
      open.clear();
      if (!server) return done();
      server.close(() => done());
      server = null;
    });
  await up();
  return { url: `http://127.0.0.1:${port}`, down, up };
}
