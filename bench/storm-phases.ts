/**
 * `node --expose-gc --import tsx bench/storm-phases.ts [--storms 80]`: where the time of an S3 storm (the
 * server revokes the token, 1,000 GETs fire at once) goes, client by client. A wrapper around
 * fetch times each step: the first and last 401 of the first wave, the validation or refresh,
 * the first and last resend, the last answer. Beside authFetch and the mutex recipe it runs a
 * bare hold-and-replay client (no chart, no request template): as is, reading the 401 bodies,
 * and sending the chart one event per held 401, to tell the cost of our per-request work from
 * the cost of the strategy.
 * Medians over the storms, the first round of each client left out; see README, Performance.
 *
 * @example
 * // node --expose-gc --import tsx bench/storm-phases.ts --storms 40
 * // | client | calls made | 401 first | validated | 401 last | re-auth done | first resend | last resend | last answer | client CPU |
 */
import { parseArgs } from 'node:util';
import { createActor, fromPromise } from 'xstate';
import { sessionMachine } from '../machines/session.machine.ts';
import { urlSummary } from '../src/lib/session/url-summary.ts';
import { startBackend } from './backend.ts';
import { buildCore } from './build-core.ts';
import { limitConnections } from './connections.ts';
import { authFetchContenderFrom } from './contenders/auth-fetch.ts';
import type { ContenderFactory } from './contenders/contender.ts';
import { fetchMutex } from './contenders/fetch-mutex.ts';
import { createBenchAuth, createTokenStore } from './contenders/shared.ts';
import { median } from './summarize.ts';

const REQUESTS = 1_000;
const { values: args } = parseArgs({ options: { storms: { type: 'string', default: '80' } } });

/** Milliseconds since the storm began, per step; each step keeps its first time unless said. */
let started = 0;
let steps: Record<string, number> = {};
const step = (name: string) => (steps[name] ??= performance.now() - started);

/**
 * The least a client can do to hold and replay: on the first 401 it validates and re-auths in
 * the background; every call that got a 401 (or starts meanwhile) waits, then sends once more.
 * `extra`: it also reads each 401's body first, or tells a session chart of each held 401 as
 * authFetch did until 94ba84c (the chart only records them; the bare client still decides).
 */
function bareHoldAndReplay(extra: 'reads 401 bodies' | 'one chart event per 401' | null): ContenderFactory {
  const name = extra ? `bare hold-and-replay, ${extra}` : 'bare hold-and-replay';
  return {
    name,
    handlesExpiry: true,
    create({ origin, tokens, auth }) {
      const neverValidates = fromPromise(() => new Promise<boolean>(() => {}));
      // Only the variant that tells a chart has one.
      const chart = extra === 'one chart event per 401' ? createActor(sessionMachine.provide({ actors: { validateSession: neverValidates } }), { input: undefined }).start() : null;
      let held = 0;
      let waiting: Array<() => void> | null = null;
      const wait = () => new Promise<void>((resolve) => waiting!.push(resolve));
      const send = (path: string) => fetch(origin + path, { headers: { authorization: `Bearer ${tokens.get()}` } });
      const get = async (path: string) => {
        if (waiting) await wait();
        let response = await send(path);
        if (response.status === 401) {
          if (extra === 'reads 401 bodies') await response.text();
          if (chart) {
            const request = { id: String(++held), method: 'GET', url: urlSummary(origin + path), reason: 'unauthorized' as const };
            chart.send({ type: 'request.held', requests: [request] });
          }
          if (!waiting) {
            waiting = [];
            void (async () => {
              await auth.validate(tokens.get());
              tokens.set(await auth.reauthenticate());
              const released = waiting!;
              waiting = null;
              released.forEach((release) => release());
            })();
          }
          await wait();
          response = await send(path);
        }
        return { status: response.status, body: await response.text() };
      };
      return { name, get, post: get, stop: () => chart?.stop() };
    },
  };
}

const backend = await startBackend();
await limitConnections(backend.origin, 128);
const plainAuth = createBenchAuth(backend.origin);
const auth = {
  validate: async (token: string | null, signal?: AbortSignal) => {
    const valid = await plainAuth.validate(token, signal);
    step('validated');
    return valid;
  },
  reauthenticate: async (signal?: AbortSignal) => {
    // The mutex recipe has no validation: its refresh plays that part.
    const token = await plainAuth.reauthenticate(signal);
    step(steps['validated'] === undefined ? 'validated' : 're-auth done');
    return token;
  },
};
let sent = 0;
let unauthorized = 0;
const fetchItself = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const api = String(input instanceof Request ? input.url : input).includes('/api/');
  if (api && ++sent === REQUESTS + 1) step('first resend');
  if (api && sent === 2 * REQUESTS) step('last resend');
  const response = await fetchItself(input, init);
  if (api && response.status === 401 && ++unauthorized === 1) step('401 first');
  if (api && response.status === 401 && unauthorized === REQUESTS) step('401 last');
  return response;
};

const clients = [
  authFetchContenderFrom('authFetch', await buildCore('src/lib/auth-fetch.ts', 'current')),
  fetchMutex,
  bareHoldAndReplay(null),
  bareHoldAndReplay('reads 401 bodies'),
  bareHoldAndReplay('one chart event per 401'),
];
const timings = new Map<string, Array<Record<string, number>>>();
const storms = Number(args.storms);
for (let storm = 0; storm < storms; storm++) {
  // Each client in turn, the order reversed every other round.
  const round = Math.floor(storm / clients.length);
  const at = storm % clients.length;
  const factory = clients[round % 2 ? clients.length - 1 - at : at]!;
  const tokens = createTokenStore();
  const client = factory.create({ origin: backend.origin, tokens, auth });
  tokens.set(await backend.issueToken());
  await backend.expireTokens();
  (globalThis as { gc?: () => void }).gc?.();
  steps = {};
  sent = 0;
  unauthorized = 0;
  const cpu = process.cpuUsage();
  started = performance.now();
  const calls = Array.from({ length: REQUESTS }, () => client.get('/api/item'));
  // The calls made, synchronously: fetch itself already ran for each, except in the mutex recipe (it awaits its lock first).
  step('calls made');
  await Promise.all(calls);
  steps['last answer'] = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  steps['client CPU'] = (user + system) / 1000;
  client.stop();
  if (round > 0) timings.set(factory.name, [...(timings.get(factory.name) ?? []), steps]);
}
await backend.stop();

const columns = ['calls made', '401 first', 'validated', '401 last', 're-auth done', 'first resend', 'last resend', 'last answer', 'client CPU'];
console.log(`| client (median of ${Math.floor(storms / clients.length) - 1} storms, ms) | ${columns.join(' | ')} |`);
console.log(`| --- | ${columns.map(() => '---').join(' | ')} |`);
for (const [name, runs] of timings) {
  const cell = (column: string) => {
    const times = runs.map((r) => r[column]).filter((t) => t !== undefined) as number[];
    return times.length ? median(times).toFixed(0) : '–';
  };
  console.log(`| ${name} | ${columns.map(cell).join(' | ')} |`);
}
