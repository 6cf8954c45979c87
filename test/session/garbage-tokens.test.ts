/** @vitest-environment node */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

const API = 'https://api.test';
/** A JWT whose payload is `claims`, as a backend with its own ideas may mint it. */
const jwt = (claims: object) =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('the session report, with a token whose exp is no date', () => {
  it('is still given: an exp in microseconds does not make report() throw', () => {
    // exp in microseconds since the epoch (a backend's unit mistake): a number, but far past any Date.
    const token = jwt({ sub: 'ada', exp: 1_700_000_000_000_000 });
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
