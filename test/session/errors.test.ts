/** @vitest-environment node */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock, waitFor } from 'xstate';
import { createAuthFetch, QuietSessionError, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';
import * as errors from '../../src/lib/session/errors.ts';
import { selectReauthProblem } from '../../src/lib/session/index.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';
import { stoppedAfterEach } from '../support/stopped-after-each.ts';
import { inProductionBuild } from '../support/production-build.ts';

const API = 'https://api.test';
const far = 4_000_000_000;
const jwt = (sub = 'ada') => unsignedJwt({ sub, exp: far });

/** Everything that escapes as uncaught while a test runs. */
const escaped: unknown[] = [];
const onEscape = (error: unknown) => void escaped.push(error);
beforeEach(() => {
  escaped.length = 0;
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
});
afterEach(() => {
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});
/** Long enough for a stray rejection or throw to be reported (Node reports them after a macrotask). */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

function session(overrides: Partial<AuthFetchOptions> = {}) {
  let token: string | null = jwt();
  const sent: string[] = [];
  const status = { value: 401 };
  const clock = new SimulatedClock();
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => void (token = next),
    // As the backend answers: a sign-in's token is asked about before held calls go with it.
    validate: async () => status.value !== 401,
    reauthenticate: async () => jwt(),
    allowedOrigins: [API],
    clock,
    fetch: async (input, init) => {
      sent.push(`${String(input)} ${new Headers(init?.headers).get('authorization')}`);
      return new Response('{}', { status: status.value });
    },
    ...overrides,
  });
  stops.push(client.stop);
  return { client, sent, status, clock, setToken: (next: string | null) => (token = next) };
}
const stops = stoppedAfterEach();

describe('errors', () => {
  it('refuses at once a validate that calls authFetch, with an error that says why, instead of waiting on itself', async () => {
    let refusals: unknown[] = [];
    let h!: ReturnType<typeof session>;
    h = session({
      limits: { validationRetries: 0 },
      // Synchronously, and after an await with the signal it was given: both would wait behind their own held call.
      validate: async ({ signal }) => {
        refusals.push(await h.client.authFetch(`${API}/auth/me`).catch((error: unknown) => error));
        refusals.push(await h.client.authFetch(`${API}/auth/me`, { signal }).catch((error: unknown) => error));
        throw refusals[0];
      },
    });
    const call = h.client.authFetch(`${API}/api/credits`);
    await waitFor(h.client.actor, (s) => s.matches('active') && refusals.length === 2);
    expect(refusals).toHaveLength(2);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(QuietSessionError);
      expect((refusal as Error).message).toMatch(/called from validate.*Call fetch with the token validate is given/);
    }
    // The check could not be made: the call went with its own answer, no clock time passed.
    expect((await call).status).toBe(401);
    expect(h.clock.now()).toBe(0);
    refusals = [];
  });

  it('takes a validate that throws synchronously for a check that could not be made, with nothing left to escape later', async () => {
    const h = session({
      limits: { validationRetries: 0 },
      validate: (() => {
        throw new Error('validate is broken');
      }) as AuthFetchOptions['validate'],
    });
    const call = h.client.authFetch(`${API}/api/credits`);
    expect((await call).status).toBe(401);
    h.clock.increment(60_000); // any timeout the validation had
    await turns();
    expect(escaped).toEqual([]);
  });

  it('takes a validate that rejects with nothing for a check that could not be made, not a broken session', async () => {
    const h = session({ limits: { validationRetries: 0 }, validate: () => Promise.reject(undefined) });
    expect((await h.client.authFetch(`${API}/api/credits`)).status).toBe(401);
    expect(h.client.actor.getSnapshot()).toMatchObject({ status: 'active', value: { active: 'quiet' } });
    await turns();
    expect(escaped).toEqual([]);
  });

  it('never puts a token that a header cannot carry into an error: it is treated as expired and the banner asks to reconnect', async () => {
    const h = session();
    // Ada's token, with a control character in its signature (a storage that mangled it).
    const secret = `${jwt()}secret\u0001`;
    h.setToken(secret);
    h.status.value = 200;
    const call = h.client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    expect(h.sent).toEqual([]);
    h.client.reconnect();
    const answer = await call;
    expect(answer).toBeInstanceOf(Response);
    expect(h.sent).toEqual([`${API}/api/credits Bearer ${jwt()}`]);
    expect(JSON.stringify(h.client.actor.getSnapshot().context)).not.toContain('secret');
  });

  it('treats a token as one no header can carry wherever its bad character is, at its start too', async () => {
    const h = session();
    h.setToken(`\u0001secret${jwt()}`);
    h.status.value = 200;
    const call = h.client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    expect(h.sent).toEqual([]);
    h.client.reconnect();
    expect(await call).toBeInstanceOf(Response);
    expect(h.sent).toEqual([`${API}/api/credits Bearer ${jwt()}`]);
  });

  it('lets a getToken that throws reject the call with its error, and nothing escapes from the chart', async () => {
    const h = session({
      getToken: () => {
        throw new Error('storage is gone');
      },
    });
    h.clock.increment(3_600_000); // the expiry and reminder timers read the token too
    await expect(h.client.authFetch(`${API}/api/credits`)).rejects.toThrow('storage is gone');
    await turns();
    expect(escaped).toEqual([]);
  });

  it('says plainly why sign-in failed when the popup rejects with something that is not an Error', async () => {
    const h = session({
      reauthenticate: () => Promise.reject('closed'),
      limits: { reauthAttempts: 2 },
    });
    const call = h.client.authFetch(`${API}/api/credits`).catch((error: unknown) => error);
    await waitFor(h.client.actor, (s) => s.matches('needsReauth'));
    h.client.reconnect();
    await waitFor(h.client.actor, (s) => s.context.lastReauthError !== null);
    expect(h.client.actor.getSnapshot().context.lastReauthError).toEqual({ name: 'Error', message: 'closed' });
    expect(selectReauthProblem(h.client.actor.getSnapshot())).toBe('Sign-in did not finish. Press Reconnect to try again.');
    // The second failure gives up the held call, and says why, too.
    h.client.reconnect();
    await waitFor(h.client.actor, (s) => s.matches({ needsReauth: 'coolingDown' }));
    expect(h.client.actor.getSnapshot().context.lastReauthError).toEqual({ name: 'Error', message: 'closed' });
    expect((await call) as Error).toMatchObject({ name: 'AuthExpiredError' });
  });

  it('leaves no abort listener behind on any signal, however many validations run', async () => {
    const added = new Map<EventTarget, number>();
    const add = AbortSignal.prototype.addEventListener;
    const remove = AbortSignal.prototype.removeEventListener;
    AbortSignal.prototype.addEventListener = function (this: AbortSignal, ...args: Parameters<typeof add>) {
      added.set(this, (added.get(this) ?? 0) + 1);
      return add.apply(this, args);
    };
    AbortSignal.prototype.removeEventListener = function (this: AbortSignal, ...args: Parameters<typeof remove>) {
      added.set(this, (added.get(this) ?? 0) - 1);
      return remove.apply(this, args);
    };
    try {
      const h = session({ validate: async () => true });
      for (let i = 0; i < 50; i++) {
        h.status.value = 401;
        const call = h.client.authFetch(`${API}/api/item/${i}`);
        await waitFor(h.client.actor, (s) => s.matches('validating'));
        h.status.value = 200;
        expect((await call).status).toBe(200);
      }
      // Signals that still have listeners, other than the ones a live fetch holds.
      const lingering = [...added].filter(([signal, n]) => n > 0 && !(signal as AbortSignal).aborted);
      expect(lingering.length).toBeLessThan(3);
    } finally {
      AbortSignal.prototype.addEventListener = add;
      AbortSignal.prototype.removeEventListener = remove;
    }
  });
});

describe('the typed errors', () => {
  it('carry literal names that survive minification, and chain under QuietSessionError', async () => {
    const made = [
      new errors.AuthExpiredError('stopped'),
      new errors.BodyNotReplayableError(new Request('https://api.test/a?token=secret', { method: 'POST' })),
      new errors.PopupBlockedError(),
      new errors.PopupClosedError(),
      new errors.PopupTimeoutError(120_000),
      new errors.PopupCancelledError(),
    ];
    expect(made.map((e) => e.name)).toEqual([
      'AuthExpiredError',
      'BodyNotReplayableError',
      'PopupBlockedError',
      'PopupClosedError',
      'PopupTimeoutError',
      'PopupCancelledError',
    ]);
    expect(made.every((e) => e instanceof errors.QuietSessionError)).toBe(true);
    expect(made.slice(2).every((e) => e instanceof errors.ReauthError)).toBe(true);
    expect(made[1]!.message).not.toContain('secret');
    expect(made[4]!.message).toContain('120 s');
  });

  it('name the base and the 401 not replayed too', () => {
    const refused = new errors.NotReplayedError('POST', 'https://api.test/a', new Response(null, { status: 401 }));
    expect([new errors.QuietSessionError('x').name, refused.name]).toEqual(['QuietSessionError', 'NotReplayedError']);
  });

  // What the user reads: what happened, and what to do about it.
  it('say why a call was not sent, for each reason, and what a blocked or closed window asks', () => {
    const reasons = ['stopped', 'signed-out', 'other-account', 'sign-in-given-up'] as const;
    expect(reasons.map((reason) => new errors.AuthExpiredError(reason).message)).toEqual([
      'The session was stopped — this request was not sent.',
      'You signed out — this request was not sent.',
      'Signed in as another account — this request was not sent. Try again.',
      "Signing in didn't finish, so this request was not sent. Reconnect, then try again.",
    ]);
    expect([new errors.PopupBlockedError().message, new errors.PopupClosedError().message]).toEqual([
      'The sign-in window was blocked by the browser. Allow pop-ups for this site, then press Reconnect again.',
      'The sign-in window was closed before you signed in. Press Reconnect to try again.',
    ]);
    const stream = new Request('https://api.test/a', { method: 'POST', body: 'x' });
    expect(new errors.BodyNotReplayableError(stream).message).toBe(
      'POST https://api.test/a: got 401 and cannot be replayed: its body was a ReadableStream, which can be read only once. Send a string, Blob, ArrayBuffer, FormData or URLSearchParams body instead.',
    );
  });
});

describe('in a production build, which drops the prose', () => {
  it('still refuses a validate that calls authFetch, with an error that names validate', async () => {
    await inProductionBuild(
      () => import('../../src/lib/session/index.ts'),
      async (production) => {
        const refusals: unknown[] = [];
        const client: ReturnType<typeof production.createAuthFetch> = production.createAuthFetch({
          getToken: () => 'ada-1',
          setToken: () => {},
          validate: async () => {
            refusals.push(await client.authFetch(`${API}/auth/me`).catch((error: unknown) => error));
            return true;
          },
          reauthenticate: async () => 'never-used',
          allowedOrigins: [API],
          fetch: async () => new Response('{}', { status: 401 }),
        });
        stops.push(client.stop);
        const call = client.authFetch(`${API}/api/credits`);
        // The token is good, says validate: the replay's 401 is the caller's.
        expect((await call).status).toBe(401);
        expect(refusals[0]).toBeInstanceOf(production.QuietSessionError);
        expect((refusals[0] as Error).message).toBe('validate');
      },
    );
  });

  it('takes a validate that resolves no boolean for a check that could not be made, named validate to the inspector', async () => {
    await inProductionBuild(
      () => import('../../src/lib/session/index.ts'),
      async (production) => {
        const client = production.createAuthFetch({
          getToken: () => 'ada-1',
          setToken: () => {},
          validate: async () => 'yes' as unknown as boolean,
          reauthenticate: async () => 'never-used',
          allowedOrigins: [API],
          limits: { validationRetries: 0 },
          fetch: async () => new Response('{}', { status: 401 }),
        });
        stops.push(client.stop);
        // The inspector sees the error once per actor it passes through: the same error each time.
        const errors = new Set<unknown>();
        client.actor.system.inspect((inspection) => {
          const { event } = inspection as { event?: { type: string; error?: unknown } };
          if (event?.type === 'xstate.error.actor.validateSession') errors.add(event.error);
        });
        // The backend could not say: the call goes with its own answer.
        expect((await client.authFetch(`${API}/api/credits`)).status).toBe(401);
        const [error, ...others] = errors;
        expect(others).toEqual([]);
        expect(error).toBeInstanceOf(production.QuietSessionError);
        expect((error as Error).message).toBe('validate');
      },
    );
  });

  it('still says which call a stream body kept from being replayed, without the advice', async () => {
    await inProductionBuild(
      () => import('../../src/lib/session/index.ts'),
      async (production) => {
        const client = production.createAuthFetch({
          getToken: () => jwt(),
          setToken: () => {},
          validate: async () => true,
          reauthenticate: async () => 'never-used',
          allowedOrigins: [API],
          fetch: async (input) => {
            await (input as Request).arrayBuffer();
            return new Response('{}', { status: 401 });
          },
        });
        stops.push(client.stop);
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('photo'));
            controller.close();
          },
        });
        const error = await client
          .authFetch(`${API}/api/upload?draft=1`, { method: 'POST', body, duplex: 'half' } as RequestInit)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(production.BodyNotReplayableError);
        expect((error as Error).message).toBe('POST https://api.test/api/upload: a ReadableStream body cannot be replayed.');
      },
    );
  });
});
