/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../bench/backend.ts';
import type { Contender, Outcome } from '../../bench/contenders/contender.ts';
import { bodies } from '../../bench/scenarios/bodies.ts';
import { held } from '../../bench/scenarios/held.ts';
import { storm } from '../../bench/scenarios/storm.ts';
import type { BackendStats } from '../../bench/server.ts';

/** A backend in memory: its counters are what the test says; the re-auth gate releases what waits on it. */
function fakeBackend() {
  const stats: BackendStats = { validateCalls: 0, reauthCalls: 0, apiRequests: 0, staleApiRequests: 0 };
  const waiting: Array<() => void> = [];
  const backend: Backend = {
    origin: 'http://127.0.0.1:1',
    issueToken: async () => 'token',
    issueLapsedToken: async () => 'lapsed',
    expireTokens: async () => {},
    stats: async () => ({ ...stats }),
    resetStats: async () => {},
    setReauthGate: async (closed) => {
      if (!closed) for (const release of waiting.splice(0)) release();
    },
    stop: async () => {},
  };
  return { backend, stats, afterReauth: () => new Promise<void>((resolve) => waiting.push(resolve)) };
}

const contender = (get: Contender['get'], post: Contender['post'] = get): Contender => ({ get, post });
const tokens = { get: () => 'token', set: () => {} };
const ok = (body = ''): Outcome => ({ status: 200, body });

describe('the correctness checks of the scenarios', () => {
  it('a storm counts the popups and the calls that did not end 200', async () => {
    const { backend, stats } = fakeBackend();
    stats.reauthCalls = 2;
    let calls = 0;
    const get = async () => (++calls === 7 ? Promise.reject(new TypeError('fetch failed')) : ok());
    const { data, failures } = await storm(100, 'revoked')({ backend, contender: contender(get), tokens });
    expect(data).toMatchObject({ requests: 100, ok: 99, reauthCalls: 2 });
    expect(failures).toEqual(['2 re-auths (popups) for one expiry', '99/100 ended 200 (99×200, 1×rejected [TypeError: fetch failed])']);
  });

  it('S4 catches a client that sends while the popup is open', async () => {
    const { backend, stats, afterReauth } = fakeBackend();
    // ky's way: every call goes out, and waits for the one refresh.
    const get = async () => {
      if (stats.reauthCalls === 0) stats.reauthCalls = 1;
      else stats.apiRequests++;
      await afterReauth();
      return ok();
    };
    const { data, failures } = await held(20)({ backend, contender: contender(get), tokens });
    expect(data).toMatchObject({ sentWhileHeld: 20, ok: 21, reauthCalls: 1 });
    expect(failures).toEqual(['20 of 20 requests sent while re-auth was pending']);
  });

  it('S5 tells a body answered 200 with another body from one that was lost', async () => {
    const { backend, stats } = fakeBackend();
    stats.reauthCalls = 1;
    const sent: string[] = [];
    const post = async (_path: string, body: string) =>
      sent.push(body) === 3 ? ok(sent[0]) : sent.length === 4 ? { status: 401, body: '' } : ok(body);
    const { data, failures } = await bodies(10)({ backend, contender: contender(async () => ok(), post), tokens });
    expect(data.identical).toBe(8);
    expect(failures).toEqual(['8/10 bodies echoed byte-identical (9×200, 1×401; 1 answered 200 with another body)']);
  });
});
