/**
 * `npx tsx bench/overhead.ts`: authFetch's own cost per call, with no network
 * at all. A fetch that answers at once stands in for the backend, so what is
 * left is what authFetch adds (origin check, request template, token header,
 * state and expiry checks, 401 check), against calling that fetch directly
 * with the header as native code would. S1/S2 of `npm run bench` compare with
 * a real round trip, where this cost is a fraction of a percent and the
 * ratios mostly show the machine's noise.
 *
 * @example
 * // npx tsx bench/overhead.ts
 * // direct    0.05 µs per call
 * // authFetch 1.30 µs per call
 */
import { buildCore } from './build-core.ts';

const CALLS = 200_000;
const createAuthFetch = await buildCore('src/lib/auth-fetch.ts', 'overhead');
const answer = new Response(null, { status: 200 });
const instantFetch = async (_input: RequestInfo | URL, _init?: RequestInit) => answer;
// A JWT whose exp is far away: the expiry check runs but never holds.
const token = `e30.${Buffer.from(JSON.stringify({ exp: 4_102_444_800 })).toString('base64url')}.sig`;
const client = createAuthFetch({
  getToken: () => token,
  setToken: () => {},
  validate: async () => true,
  reauthenticate: async () => token,
  allowedOrigins: ['https://api.test'],
  fetch: instantFetch,
});

async function perCall(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < CALLS / 10; i++) await call(); // warm-up
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await call();
  return ((performance.now() - started) * 1000) / CALLS;
}

const direct = () => instantFetch('https://api.test/api/item', { headers: { Authorization: `Bearer ${token}` } });
const wrapped = () => client.authFetch('https://api.test/api/item');
for (let round = 1; round <= 2; round++) {
  console.log(`round ${round}: direct ${(await perCall(direct)).toFixed(2)} µs per call, authFetch ${(await perCall(wrapped)).toFixed(2)} µs per call`);
}
client.stop();
