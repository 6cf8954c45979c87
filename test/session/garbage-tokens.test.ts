/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';

const API = 'https://api.test';
const stops = stoppedAfterEach();

describe('the session report, with a token whose exp is no date', () => {
  it('is still given: an exp in microseconds does not make report() throw', () => {
    // exp in microseconds since the epoch (a backend's unit mistake): a number, but far past any Date.
    const token = unsignedJwt({ sub: 'ada', exp: 1_700_000_000_000_000 });
    const client = createAuthFetch({
      getToken: () => token,
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => token,
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async () => new Response('{}'),
    });
    stops.push(client.stop);
    // The dev panel's "Copy session report", or an error tracker's hook: it must not throw.
    expect(() => client.report()).not.toThrow();
  });
});

describe('a token no header can carry', () => {
  it('is never sent nor handed to validate: the call waits and the user is asked to sign in', async () => {
    const validate = vi.fn(async () => true);
    const sent: string[] = [];
    const client = createAuthFetch({
      getToken: () => 'ada token with spaces',
      setToken: () => {},
      validate,
      reauthenticate: () => new Promise<string>(() => {}),
      allowedOrigins: [API],
      clock: new SimulatedClock(),
      fetch: async (input) => {
        sent.push(String(input));
        return new Response('{}');
      },
    });
    stops.push(client.stop);
    const call = client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
    await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.queue.length === 1);
    expect(validate).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
    client.stop();
    await call;
  });
});
