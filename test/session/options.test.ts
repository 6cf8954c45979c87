/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import { createTabSync, selectReauthProblem, selectReminderView } from '../../src/lib/session/index.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { inProductionBuild } from '../support/production-build.ts';

const good: AuthFetchOptions = {
  getToken: () => 't1',
  setToken: () => {},
  validate: async () => true,
  reauthenticate: async () => 't2',
  allowedOrigins: ['https://api.test'],
};

describe('createAuthFetch rejects bad options with a message that says what to fix', () => {
  it.each([
    [{ ...good, getToken: undefined }, /options\.getToken must be a function, got undefined/],
    [{ ...good, validate: 'yes' }, /options\.validate must be a function, got string/],
    [{ ...good, fetch: 42 }, /options\.fetch must be a function/],
    [{ ...good, allowedOrigins: 'https://api.test' }, /allowedOrigins must be an array/],
    [{ ...good, allowedOrigins: ['https://api.test/v1'] }, /not an origin.*Did you mean "https:\/\/api\.test"/],
    [{ ...good, allowedOrigins: ['api.test'] }, /"api\.test" is not an origin/],
    // A setting missing in one deployment (`[env.API_ORIGIN ?? null]`): no call would carry the token.
    [{ ...good, allowedOrigins: [null] }, /allowedOrigins entry "null" is not an origin/],
    // No origin at all: no call would carry the token, and every 401 would go to its caller.
    [{ ...good, allowedOrigins: [] }, /allowedOrigins is empty: no call would carry the token\. List the API's origin, or leave it out/],
    [{ ...good, validationTimeoutMs: -1 }, /validationTimeoutMs must be a number of milliseconds from 1 to 2\^31-1 \(2147483647\), got -1/],
    [{ ...good, expiryLeadMs: Number.NaN }, /expiryLeadMs must be a number of milliseconds from 0/],
    // A timer fires at once past 2^31-1 ms: such a duration is refused, not run.
    [{ ...good, validationTimeoutMs: 2 ** 31 }, /validationTimeoutMs must be a number of milliseconds from 1 to 2\^31-1/],
    [{ ...good, remindBeforeMs: 2 ** 31 }, /remindBeforeMs must be a number of milliseconds/],
    // The session validates from expiryLeadMs before exp on: a notice due later would never show.
    [{ ...good, remindBeforeMs: 30_000 }, /remindBeforeMs \(30000\) must be longer than expiryLeadMs \(60000\).*Set 0 for no notice/],
    [{ ...good, remindBeforeMs: 60_000 }, /remindBeforeMs \(60000\) must be longer than expiryLeadMs \(60000\)/],
    // A number in a string (an env variable passed as it is): a timer would take it, but a comparison or a sum would not.
    [
      { ...good, validationTimeoutMs: '5000' },
      /validationTimeoutMs must be a number of milliseconds from 1 to 2\^31-1 \(2147483647\), got a string/,
    ],
    [{ ...good, limits: { reauthCooldownMs: 2 ** 31 } }, /limits\.reauthCooldownMs must be a number from 0 to 2147483647, got 2147483648/],
    [{ ...good, limits: { reauthTimeoutMs: Number.POSITIVE_INFINITY } }, /limits\.reauthTimeoutMs must be a number from 1 to 2147483647/],
    // A backoff of 0 would probe in a loop while offline; a deadline of 0 would give the popup up at once.
    [{ ...good, limits: { validationBackoffMs: 0 } }, /limits\.validationBackoffMs must be a number from 1 to/],
    // A check with no time to answer would find the backend gone each time: offline for good.
    [{ ...good, limits: { validationTimeoutMs: 0 } }, /limits\.validationTimeoutMs must be a number from 1 to/],
    // Looking again at the clock every 0 ms would never let the page rest.
    [{ ...good, limits: { lookAgainMs: 0 } }, /limits\.lookAgainMs must be a number from 1 to/],
    [{ ...good, limits: { reauthAttempts: 'three' } }, /limits\.reauthAttempts must be a number from 0 to \d+, got a string/],
    // A clock for now() alone (plain JS): the chart would fail at its first timer, every call refused as "stopped".
    [{ ...good, clock: { now: () => Date.now() } }, /options\.clock must have setTimeout and clearTimeout/],
    [{ ...good, clock: 5 }, /options\.clock must have setTimeout and clearTimeout/],
    [{ ...good, clock: null }, /options\.clock must have setTimeout and clearTimeout/],
    [{ ...good, clock: { setTimeout: () => 0 } }, /options\.clock must have setTimeout and clearTimeout/],
    [{ ...good, clock: { clearTimeout: () => {} } }, /options\.clock must have setTimeout and clearTimeout/],
    // A misspelt limit (plain JS, or an object built elsewhere) would be dropped without a word.
    [
      { ...good, limits: { reauthAtempts: 5 } },
      /options\.limits\.reauthAtempts is no limit of the session: it has validationRetries, .*reauthAttempts/,
    ],
    [null, /expected an options object/],
    [undefined, /expected an options object/],
  ])('%#: throws a TypeError', (options, message) => {
    expect(() => createAuthFetch(options as unknown as AuthFetchOptions)).toThrow(TypeError);
    expect(() => createAuthFetch(options as unknown as AuthFetchOptions)).toThrow(message);
  });

  it('takes the longest duration a timer can wait, 2^31-1 ms, and a count of any size', () => {
    createAuthFetch({ ...good, validationTimeoutMs: 2 ** 31 - 1, remindBeforeMs: 2 ** 31 - 1 }).stop();
    createAuthFetch({ ...good, limits: { reauthTimeoutMs: 2 ** 31 - 1, reauthAttempts: Number.MAX_SAFE_INTEGER } }).stop();
  });

  it('takes a limit given as undefined as not given, as it takes the other options (a setting missing in one deployment)', async () => {
    const limits = { reauthTimeoutMs: undefined, validationTimeoutMs: undefined } as unknown as AuthFetchOptions['limits'];
    await inProductionBuild(
      () => import('../../src/lib/session/index.ts'),
      async (production) => {
        for (const build of [{ createAuthFetch }, production]) {
          const client = build.createAuthFetch({ ...good, validationTimeoutMs: 2_000, limits });
          expect(client.actor.getSnapshot().context.limits).toMatchObject({ reauthTimeoutMs: 180_000, validationTimeoutMs: 2_000 });
          client.stop();
        }
      },
    );
  });

  it('refuses a limit given as a number in a string, and says a count may be any size', () => {
    expect(() => createAuthFetch({ ...good, limits: { reauthAttempts: '3' as never } })).toThrow(
      new TypeError(`createAuthFetch: options.limits.reauthAttempts must be a number from 0 to ${Number.MAX_SAFE_INTEGER}, got a string.`),
    );
  });

  // No guess where URL finds no origin to offer: a host alone has none, and a file: URL's is the word "null".
  it.each([['api.test'], ['file:///srv/api']])('offers no "Did you mean" for %s', (entry) => {
    expect(() => createAuthFetch({ ...good, allowedOrigins: [entry] })).toThrow(
      new TypeError(`createAuthFetch: allowedOrigins entry "${entry}" is not an origin (scheme://host[:port], no path).`),
    );
  });

  it('says to pass allowedOrigins when there is no page origin to default to', async () => {
    const client = createAuthFetch({ ...good, allowedOrigins: undefined });
    await expect(client.authFetch('https://api.test/x')).rejects.toThrow(
      new TypeError(
        'authFetch: no allowedOrigins were given and there is no page origin (globalThis.location) to default to. Pass allowedOrigins to createAuthFetch.',
      ),
    );
    client.stop();
  });

  // A file: page or a sandboxed frame: its origin is the word "null", which a file: or data: URL has too.
  it('says so too on a page whose origin is opaque, and sends nothing', async () => {
    vi.stubGlobal('location', { origin: 'null', href: 'file:///srv/app/index.html' });
    const sent = vi.fn(async () => new Response('{}'));
    try {
      const client = createAuthFetch({ ...good, allowedOrigins: undefined, fetch: sent });
      await expect(client.authFetch('file:///srv/app/data.json')).rejects.toThrow(/Pass allowedOrigins to createAuthFetch/);
      client.stop();
      expect(sent).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  // A bad value may be a token (an origin copied from a URL with its query): no message repeats it.
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.optionSecret3';
  const base = { getToken: () => null, setToken: () => {}, validate: async () => true, reauthenticate: async () => 'x' };
  it.each([
    ['an allowedOrigins entry with a query string', { ...base, allowedOrigins: [`https://api.test/callback?access_token=${secret}`] }],
    ['a timeout given a string', { ...base, validationTimeoutMs: secret }],
    ['a limit given a string', { ...base, limits: { reauthAttempts: secret } }],
  ])('does not echo %s', (_name, options) => {
    let message = '';
    try {
      createAuthFetch(options as unknown as AuthFetchOptions);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/createAuthFetch/);
    expect(message).not.toContain('optionSecret3');
  });
});

describe('in a production build, which drops the checks and their prose', () => {
  it('still refuses allowedOrigins given as one string: matched as a substring, it would send lookalikes the token', async () => {
    await inProductionBuild(
      () => import('../../src/lib/session/index.ts'),
      async (production) => {
        expect((await import('../../src/lib/session/dev.ts')).DEV).toBe(false);
        expect(() => production.createAuthFetch({ ...good, allowedOrigins: 'https://api.test' as never })).toThrow(TypeError);
        expect(() => production.createAuthFetch({ ...good, allowedOrigins: [null] as never })).toThrow(TypeError);
        // A list, or none (the page's origin), is taken as it is.
        for (const allowedOrigins of [good.allowedOrigins, undefined]) production.createAuthFetch({ ...good, allowedOrigins }).stop();
      },
    );
  });

  it('names a bad option in one word, not the development prose', async () => {
    await inProductionBuild(
      () => import('../../src/lib/session/index.ts'),
      async (production) => {
        expect(() => production.createAuthFetch({ ...good, allowedOrigins: 'https://api.test' as never })).toThrow(/^allowedOrigins$/);
        const client = production.createAuthFetch({ ...good, allowedOrigins: undefined });
        await expect(client.authFetch('https://api.test/x')).rejects.toThrow(/^allowedOrigins$/);
        client.stop();
      },
    );
  });
});

describe('adoptToken, given no token a header can carry', () => {
  it.each([[''], [undefined], ['t2\nt3']])('%#: throws a TypeError naming adoptToken and keeps the token it has', (bad) => {
    const setToken = vi.fn();
    const client = createAuthFetch({ ...good, setToken });
    expect(() => client.adoptToken(bad as never)).toThrow(
      new TypeError('adoptToken: expected a token string a header can carry (no spaces, no line breaks).'),
    );
    expect(setToken).not.toHaveBeenCalled();
    client.stop();
  });
});

describe('getToken, returning no token string', () => {
  // `async () => localStorage.getItem('token')`: a Promise is no token, and no header carries "[object Promise]".
  it.each([[async () => 't1'], [() => 42]])('%#: rejects the call with a TypeError naming getToken, sending nothing', async (getToken) => {
    const fetch = vi.fn(async () => new Response('{}'));
    const client = createAuthFetch({ ...good, getToken: getToken as never, fetch });
    const outcome = await Promise.race([
      client.authFetch('https://api.test/x').catch((error: unknown) => error),
      new Promise((resolve) => setTimeout(() => resolve('held'), 50)),
    ]);
    expect(outcome).toEqual(new TypeError(`createAuthFetch: options.getToken must return a string or null, got ${typeof getToken()}.`));
    expect(fetch).not.toHaveBeenCalled();
    client.stop();
  });
});

describe('options that are an instance of a class', () => {
  // Its methods live on the prototype, where a copy of its own properties does not reach, and read `this`.
  class SessionWiring implements AuthFetchOptions {
    #token: string | null = 't1';
    allowedOrigins = ['https://api.test'];
    async fetch(_input: RequestInfo | URL, init?: RequestInit) {
      return new Response('{}', { status: new Headers(init?.headers).get('authorization') === 'Bearer t2' ? 200 : 401 });
    }
    getToken() {
      return this.#token;
    }
    setToken(token: string) {
      this.#token = token;
    }
    async validate({ token }: { token: string | null }) {
      return token === this.#token && token === 't2';
    }
    async reauthenticate() {
      return 't2';
    }
  }

  it('are called as its methods: an expired token is renewed and the held call goes with the new one', async () => {
    const wiring = new SessionWiring();
    const client = createAuthFetch(wiring);
    const call = client.authFetch('https://api.test/api/credits');
    await waitFor(client.actor, (s) => s.matches('needsReauth') || s.matches('offline'));
    expect(client.actor.getSnapshot().matches('needsReauth')).toBe(true);
    client.reconnect();
    expect((await call).status).toBe(200);
    expect(wiring.getToken()).toBe('t2');
    client.stop();
  });

  it("read for the chart's own timers as its methods too: the notice comes 2 minutes before exp", async () => {
    // The timers read the token where a throw counts as none: a getToken called without its `this` would fail unseen.
    class JwtWiring extends SessionWiring {
      #jwt = unsignedJwt({ sub: 'ada', exp: 600 });
      override getToken() {
        return this.#jwt;
      }
    }
    const clock = new SimulatedClock();
    const wired = createAuthFetch(Object.assign(new JwtWiring(), { clock, remindBeforeMs: 120_000 }));
    clock.increment(480_000);
    wired.actor.send({ type: 'user.active' });
    expect(selectReminderView(wired.actor.getSnapshot())).toBe('reminding');
    wired.stop();
  });

  it("call the browser's fetch as fetch, with no object for `this` (the browser's refuses one)", async () => {
    const browserFetch = function (this: unknown, _input: RequestInfo | URL) {
      if (this !== undefined && this !== globalThis) throw new TypeError("Failed to execute 'fetch' on 'Window': Illegal invocation");
      return Promise.resolve(new Response('{}'));
    };
    const client = createAuthFetch({ ...good, fetch: browserFetch as typeof fetch });
    expect((await client.authFetch('https://api.test/api/credits')).status).toBe(200);
    client.stop();
  });
});

describe('validate, resolving something else than true or false', () => {
  // `validate: getCurrentUser`: a user object is no answer; the session cannot say, and the developer must be told why.
  it.each([[{ name: 'Ada' }], [null], ['yes']])('%#: says so on the console in development, naming what it got', async (answer) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = createAuthFetch({
      ...good,
      validate: async () => answer as never,
      fetch: async () => new Response(null, { status: 401 }),
      limits: { validationRetries: 0 },
    });
    void client.authFetch('https://api.test/x').catch(() => {});
    await vi.waitFor(() => expect(error).toHaveBeenCalled());
    expect(String(error.mock.calls[0]![0])).toMatch(`quiet-session: validate must resolve true or false, got ${typeof answer}.`);
    client.stop();
    error.mockRestore();
  });
});

describe('reauthenticate, resolving no token', () => {
  /** A session whose Reconnect gets `reauthenticate`'s answer: what the banner then says, and what the console said. */
  async function reconnectWith(reauthenticate: AuthFetchOptions['reauthenticate']) {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = createAuthFetch({
      ...good,
      validate: async () => false,
      reauthenticate,
      fetch: async () => new Response(null, { status: 401 }),
    });
    void client.authFetch('https://api.test/x').catch(() => {});
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    client.reconnect();
    const back = await waitFor(client.actor, (s) => s.matches('needsReauth') && s.context.lastReauthError !== null);
    client.stop();
    const said = error.mock.calls.map((call) => String(call[0]));
    error.mockRestore();
    return { problem: selectReauthProblem(back), said };
  }

  // Its `return` forgotten, or the exchange's `{ access_token }` passed on whole: the user is asked again, the developer told why.
  it.each([
    ['directly', undefined],
    ['directly', { access_token: 'eyJ.s3cr3t.x' }],
    ['through createTabSync', undefined],
    ['through createTabSync', { access_token: 'eyJ.s3cr3t.x' }],
  ])('%s, %j: fails as a sign-in with no token, and says so on the console in development', async (via, answer) => {
    const reauthenticate = (() => answer) as never;
    const sync = via === 'directly' ? { reauthenticate } : createTabSync({ validate: async () => false, reauthenticate });
    const { problem, said } = await reconnectWith(sync.reauthenticate);
    expect(problem).toBe('Sign-in returned no token. Press Reconnect to try again.');
    expect(said).toEqual([`quiet-session: reauthenticate must resolve the new token, a string, got ${typeof answer}.`]);
    expect(said.join()).not.toContain('s3cr3t');
  });

  it('fails alike for a string no header can carry, and names no type on the console: a string is what it should give', async () => {
    const { problem, said } = await reconnectWith(async () => 'eyJ.s3cr3t\n.x');
    expect(problem).toBe('Sign-in returned no token. Press Reconnect to try again.');
    expect(said).toEqual([]);
  });
});

describe('validate, throwing a TypeError of its own', () => {
  /** A session whose validate fails with `thrown` on each probe; what the console was warned of after three probes. */
  async function warnedAfterThreeProbes(thrown: () => TypeError) {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let probes = 0;
    const client = createAuthFetch({
      ...good,
      validate: async () => {
        probes++;
        throw thrown();
      },
      fetch: async () => new Response(null, { status: 401 }),
      limits: { validationBackoffMs: 1 },
    });
    void client.authFetch('https://api.test/x').catch(() => {});
    await vi.waitFor(() => expect(probes).toBeGreaterThanOrEqual(3));
    // Behaviour is unchanged: a TypeError is the network's, and the session waits offline.
    expect(client.actor.getSnapshot().matches('offline')).toBe(true);
    client.stop();
    const said = warn.mock.calls.map((call) => String(call[0]));
    warn.mockRestore();
    return said;
  }

  // `validate: async () => (await fetch(url)).jsn()`: read as the network down, the session would wait offline with no word why.
  it('says so on the console in development, once, naming the error', async () => {
    const said = await warnedAfterThreeProbes(() => new TypeError('res.jsn is not a function'));
    expect(said).toEqual([expect.stringMatching(/^quiet-session: validate threw TypeError: res\.jsn is not a function\. .*offline/)]);
  });

  it.each([
    'Failed to fetch',
    'NetworkError when attempting to fetch resource.',
    'Load failed',
    'fetch failed',
    'Network request failed',
    'The network connection was lost.',
    'The Internet connection appears to be offline.',
  ])('says nothing of fetch’s own "%s": the network is down, as the session takes it', async (message) => {
    expect(await warnedAfterThreeProbes(() => new TypeError(message))).toEqual([]);
  });
});

describe('validate, throwing at once rather than rejecting', () => {
  // A plain function with a bug throws before it returns a promise: the session cannot say, and goes on as usual.
  it('leaves the calls after it working, not refused as made from inside validate', async () => {
    let statuses = [401, 401];
    const client = createAuthFetch({
      ...good,
      validate: () => {
        throw new Error('validate has a bug');
      },
      fetch: async () => new Response(null, { status: statuses.shift() ?? 200 }),
      limits: { validationRetries: 0 },
    });
    // Held, validated (the check cannot say), sent again, and its second 401 is its own.
    expect((await client.authFetch('https://api.test/x')).status).toBe(401);
    statuses = [];
    expect((await client.authFetch('https://api.test/x')).status).toBe(200);
    client.stop();
  });
});

describe('getToken, returning a token no header can carry', () => {
  // "Bearer abc" kept whole from a header: the session takes it for expired, and the developer must be told why.
  it('says so on the console in development, never quoting it, and asks the user to sign in again', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = createAuthFetch({ ...good, getToken: () => 'Bearer s3cr3t', validate: async () => true });
    void client.authFetch('https://api.test/x').catch(() => {});
    await waitFor(client.actor, (s) => s.matches('needsReauth'));
    const said = error.mock.calls.map((call) => String(call[0]));
    expect(said).toEqual([expect.stringMatching(/^quiet-session: getToken returned a token no header can carry .*without "Bearer "/)]);
    expect(said.join()).not.toContain('s3cr3t');
    client.stop();
    error.mockRestore();
  });
});
