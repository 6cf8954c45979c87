/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { createAuthFetch } from '../../src/lib/auth-fetch.ts';

const jwt = (expMs: number) =>
  `${btoa('{"alg":"HS256"}')}.${btoa(JSON.stringify({ exp: expMs / 1000 })).replace(/=+$/, '')}.sig`;

function client(token: string, validate = vi.fn(async () => true)) {
  const c = createAuthFetch({
    getToken: () => token,
    setToken: () => {},
    validate,
    reauthenticate: async () => 'fresh',
    allowedOrigins: ['https://api.test'],
    fetch: async () => new Response('{}'),
    limits: { validationRetries: 1, validationBackoffMs: 3_600_000 },
  });
  stops.push(c.stop);
  return { c, validate };
}
const stops: Array<() => void> = [];
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  vi.useRealTimers();
});

describe('the session hears the browser', () => {
  it('validates on its own shortly before the token expires, without waiting for a 401', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { c, validate } = client(jwt(Date.now() + 61_000));
    vi.advanceTimersByTime(999);
    expect(validate).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(c.actor.getSnapshot().matches('validating')).toBe(true);
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('re-checks the expiry when the tab becomes visible again (timers sleep in background tabs)', async () => {
    let now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const { c, validate } = client(jwt(now + 120_000));
    now += 70_000; // the tab slept through its timer
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(c.actor, (s) => s.matches('active') && validate.mock.calls.length === 1);
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('retries an offline validation as soon as the browser is back online', async () => {
    const validate = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const { c } = client('opaque', validate);
    c.actor.send({ type: 'token.expiring' });
    await waitFor(c.actor, (s) => s.matches({ validating: 'offline' }));
    window.dispatchEvent(new Event('online'));
    await waitFor(c.actor, (s) => s.matches('active'));
    expect(validate).toHaveBeenCalledTimes(2);
  });

  it('stops listening when stopped', () => {
    const { c, validate } = client('opaque');
    c.stop();
    window.dispatchEvent(new Event('online'));
    document.dispatchEvent(new Event('visibilitychange'));
    expect(validate).not.toHaveBeenCalled();
  });
});
