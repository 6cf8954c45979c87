// authFetch's own cost beside the fetch + async-mutex recipe, on a stub fetch, so that only each wrapper's cost is left.
import { Bench } from 'tinybench';
import { waitFor } from 'xstate';
import type { createAuthFetch } from '../src/lib/session/index.ts';
import { createMutexRecipe } from './contenders/fetch-mutex.ts';

const ORIGIN = 'https://api.test';
const ITEM = `${ORIGIN}/api/item`;
/** Calls a sample makes one after the other: a sample of one call would be mostly the timer's cost. */
const BATCH = 100;
const HOLDERS = ['authFetch', 'fetch + async-mutex'] as const;

/** A JWT-shaped token whose `exp` is in 2100: the expiry check runs, and never holds. */
const jwt = (generation: number) =>
  `e30.${Buffer.from(JSON.stringify({ sub: 'ada', exp: 4_102_444_800, generation })).toString('base64url')}.sig`;

/** A token store, a stub fetch that answers 200 to the token it accepts and 401 to any other, and a sign-in. */
function stubWorld() {
  let generation = 1;
  let token = jwt(generation);
  let accepted = token;
  let signIns = 0;
  let gate: Promise<void> | null = null;
  let open = () => {};
  const [ok, unauthorized] = [200, 401].map((status) => new Response(null, { status }));
  return {
    options: {
      getToken: () => token,
      setToken: (next: string) => void (token = next),
      fetch: async (_input: RequestInfo | URL, init?: RequestInit) => {
        const headers = (init?.headers ?? {}) as Record<string, string>;
        return (headers.authorization ?? headers.Authorization) === `Bearer ${accepted}` ? ok! : unauthorized!;
      },
      reauthenticate: async () => {
        signIns++;
        await gate;
        return (accepted = jwt(++generation));
      },
      allowedOrigins: [ORIGIN],
    },
    /** The server stops accepting the current token; sign-in then waits for `open()`. */
    revoke() {
      accepted = 'revoked';
      gate = new Promise((resolve) => (open = resolve));
    },
    open: () => open(),
    signIns: () => signIns,
  };
}

/** One contender's healthy path: tinybench's mean per call and its 95% margin, in µs. */
export type PerCall = { name: string; us: number; moeUs: number };

/**
 * The healthy path per call, a tinybench task of `timeMs` each: the stub called bare with the header set, the recipe, authFetch.
 *
 * @example
 * const [bare, recipe, authFetch] = await perCallOverhead(await buildCore(), 2_000);
 */
export async function perCallOverhead(create: typeof createAuthFetch, timeMs: number): Promise<PerCall[]> {
  const { options } = stubWorld();
  const client = create({ ...options, validate: async () => true });
  const recipe = createMutexRecipe(options);
  const calls: Array<[string, () => Promise<Response>]> = [
    ['bare', () => options.fetch(ITEM, { headers: { Authorization: `Bearer ${options.getToken()}` } })],
    ['fetch + async-mutex', () => recipe(ITEM)],
    ['authFetch', () => client.authFetch(ITEM)],
  ];
  const bench = new Bench({ time: timeMs, warmupTime: timeMs / 4, throws: true });
  for (const [name, call] of calls) {
    bench.add(name, async () => {
      for (let i = 0; i < BATCH; i++) if ((await call()).status !== 200) throw new Error(`${name}: a healthy call did not end 200`);
    });
  }
  await bench.run();
  client.stop();
  return bench.tasks.map(({ name, result }) => {
    if (!('latency' in result)) throw new Error(`${name}: tinybench ended ${result.state}`);
    return { name, us: (result.latency.mean * 1000) / BATCH, moeUs: (result.latency.moe * 1000) / BATCH };
  });
}

const aTurn = () => new Promise((resolve) => setTimeout(resolve));

/** The heap in use after full collections, a turn apart: finalizers free some memory only after one. */
async function heapUsed(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does): the heap figures need a full GC');
  for (let pass = 0; pass < 3; pass++) await aTurn().then(gc);
  return process.memoryUsage().heapUsed;
}

/** One round for `who`: `count` calls held on a revoked token, the heap they add, and how many end 200 after sign-in. */
async function holdOnce(who: (typeof HOLDERS)[number], create: typeof createAuthFetch, count: number) {
  const world = stubWorld();
  world.revoke();
  const client = who === 'authFetch' ? create({ ...world.options, validate: async () => false }) : null;
  const call = client?.authFetch ?? createMutexRecipe(world.options);
  const calls = [call(ITEM)];
  // authFetch waits for the user (the banner shows); the recipe's first 401 has its sign-in out.
  if (client) await waitFor(client.actor, (s) => s.matches({ needsReauth: 'waiting' }), { timeout: 5_000 });
  else while (world.signIns() === 0) await aTurn();
  const before = await heapUsed();
  for (let i = 0; i < count; i++) calls.push(call(ITEM));
  // authFetch tells its chart of a burst of holds a turn later: the chart's queue is part of what a hold costs.
  await aTurn();
  const bytes = ((await heapUsed()) - before) / count;
  world.open();
  client?.reconnect();
  const ok = (await Promise.all(calls)).filter((response) => response.status === 200).length;
  client?.stop();
  return { bytes, ok };
}

/** Heap per held request, one figure a round; `worstOk`: the fewest of a round's `calls` (its first included) that ended 200. */
export type HeapPerHeld = Record<(typeof HOLDERS)[number], { bytes: number[]; worstOk: number; calls: number }>;

/**
 * Heap per held request for authFetch and the recipe: `rounds` rounds of `count` held calls, taking turns.
 *
 * @example
 * const heap = await heapPerHeld(create, 10_000, 5); // heap.authFetch.bytes: a figure a round
 */
export async function heapPerHeld(create: typeof createAuthFetch, count: number, rounds: number): Promise<HeapPerHeld> {
  const fresh = () => ({ bytes: [] as number[], worstOk: count + 1, calls: count + 1 });
  const result: HeapPerHeld = { authFetch: fresh(), 'fetch + async-mutex': fresh() };
  for (let round = 0; round < rounds; round++) {
    for (const who of HOLDERS) {
      const { bytes, ok } = await holdOnce(who, create, count);
      result[who].bytes.push(bytes);
      result[who].worstOk = Math.min(result[who].worstOk, ok);
    }
  }
  return result;
}
