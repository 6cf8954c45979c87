/** @vitest-environment node */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PopupCancelledError } from '../../src/lib/session/errors.ts';
import { completeGoogleSignIn } from '../../src/lib/session/sign-in-callback.ts';
import { openSignInPopup, type PopupHost } from '../../src/lib/session/sign-in-popup.ts';
import {
  errorMessageType,
  isErrorMessage,
  isTokenMessage,
  receiptMessageType,
  signInChannelName,
  tokenMessageType,
} from '../../src/lib/session/popup-message.ts';
import { fuzzRuns } from '../support/fuzz-settings.ts';
import { createChannelBus, createOpenerWindow } from '../support/fake-sign-in-windows.ts';

// Random messages, delivered as a browser does (structured-cloned, with the origin and source it vouches for).
const appOrigin = 'https://studio.test';
const state = 'b0f4c1de-2d5e-4a8b-9f6a-6c1d2e3f4a5b';

const jwt = fc.stringMatching(/^[\w-]{1,12}\.[\w-]{1,24}\.[\w-]{1,12}$/);
const valid = jwt.map((token) => ({ type: tokenMessageType, state, token }));
/** Messages that are almost right: one part wrong, missing, or of another type. */
const nearMiss = fc.oneof(
  fc.record({
    type: fc.constantFrom('quiet-session/google-sign-in ', 'QUIET-SESSION/GOOGLE-SIGN-IN', 'token', ''),
    state: fc.constant(state),
    token: jwt,
  }),
  fc.record({
    type: fc.constant(tokenMessageType),
    state: fc.constantFrom('', `${state} `, state.toUpperCase(), 'other-sign-in'),
    token: jwt,
  }),
  fc.record({ type: fc.constant(tokenMessageType), state: fc.constant(state), token: fc.anything() }),
  fc.record({
    type: fc.constant(tokenMessageType),
    state: fc.constant(state),
    token: fc.constantFrom('a.b', 'a.b.c.d', ' a.b.c', 'a.b.c\n', 'a b.c.d', 'ey..x', '', 'Bearer a.b.c'),
  }),
  fc.record({ type: fc.constant(tokenMessageType), state: fc.constant(state) }),
  fc.record({ type: fc.constant(tokenMessageType), token: jwt }),
  jwt.map((token) => [tokenMessageType, state, token]),
  jwt.map((token) => JSON.stringify({ type: tokenMessageType, state, token })),
);
const anyData = fc.anything({
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withBigInt: true,
  withDate: true,
  withObjectString: true,
});
const data = fc.oneof({ weight: 3, arbitrary: valid }, { weight: 4, arbitrary: nearMiss }, { weight: 2, arbitrary: anyData });
const origin = fc.oneof(
  { weight: 3, arbitrary: fc.constant(appOrigin) },
  fc.constantFrom('https://studio.test.evil.test', 'http://studio.test', 'https://studio.test:8443', 'null', '', 'https://evil.test'),
  fc.webUrl().map((url) => new URL(url).origin),
);
const source = fc.constantFrom('popup', 'popup', 'otherWindow', 'self', 'none');
const message = fc.record({ data, origin, source });

/** What the shape check must accept: the three fields with the right values, a token of JWT shape. */
function hasTheExpectedShape(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type, state: s, token } = value as Record<string, unknown>;
  return type === tokenMessageType && s === state && typeof token === 'string' && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

function createHost() {
  const listeners = new Set<(event: MessageEvent) => void>();
  const popup = { closed: false, close: () => void (popup.closed = true) };
  const host: PopupHost = {
    open: () => popup,
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
    location: { origin: appOrigin },
  };
  const windows = { popup, otherWindow: { closed: false, close() {} }, self: host, none: null };
  const deliver = (m: { data: unknown; origin: string; source: keyof typeof windows }) => {
    const event = { data: structuredClone(m.data), origin: m.origin, source: windows[m.source] } as unknown as MessageEvent;
    for (const listener of [...listeners]) listener(event);
  };
  return { host, deliver, listenerCount: () => listeners.size };
}

describe('the sign-in popup message handler', () => {
  it(
    'takes the token of the first right message from its own popup and origin, and ignores every other message',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(message, { maxLength: 12 }), async (messages) => {
          const { host, deliver, listenerCount } = createHost();
          const controller = new AbortController();
          const pending = openSignInPopup({
            url: `${appOrigin}/auth/google/consent?state=${state}`,
            state,
            host,
            signal: controller.signal,
          });
          messages.forEach(deliver);
          const first = messages.find((m) => m.origin === appOrigin && m.source === 'popup' && hasTheExpectedShape(m.data));
          // Nothing accepted so far means the promise is still pending: the abort decides it.
          const unaccepted = new Error('no message was accepted');
          controller.abort(unaccepted);
          const outcome = await pending.then(
            (token) => ({ token }),
            (error: unknown) => ({ error }),
          );
          expect(outcome).toEqual(first ? { token: (first.data as { token: string }).token } : { error: unaccepted });
          expect(listenerCount()).toBe(0);
        }),
        { numRuns: fuzzRuns },
      );
      // npm run fuzz's 20,000 runs take 4 to 8 s, past vitest's 5 s on a busy machine.
    },
    Math.max(5_000, fuzzRuns),
  );

  it('judges the shape alone the same way: only the three fields with this sign-in state and a JWT-shaped token', () => {
    fc.assert(
      fc.property(data, (value) => {
        const cloned = structuredClone(value);
        expect(isTokenMessage(cloned, state)).toBe(hasTheExpectedShape(cloned));
        expect(isTokenMessage(cloned, 'another-sign-in')).toBe(false);
      }),
      { numRuns: fuzzRuns },
    );
  });

  it('ignores a token message with fields beyond type, state and token', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => !['type', 'state', 'token'].includes(k)),
          fc.jsonValue(),
          { minKeys: 1 },
        ),
        (extra) => {
          const message = structuredClone({ ...extra, type: tokenMessageType, state, token: 'a.b.c' });
          expect(isTokenMessage(message, state)).toBe(false);
        },
      ),
    );
  });
});

describe('the sign-in channel (the callback page has no opener)', () => {
  const code = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
  const errorValid = code.map((error) => ({ type: errorMessageType, state, error }));
  const errorNearMiss = fc.oneof(
    fc.record({ type: fc.constant(errorMessageType), state: fc.constantFrom('', 'other-sign-in'), error: code }),
    fc.record({
      type: fc.constant(errorMessageType),
      state: fc.constant(state),
      error: fc.string().filter((e) => !/^[a-z][a-z0-9_]{0,63}$/.test(e)),
    }),
    fc.record({ type: fc.constant(errorMessageType), state: fc.constant(state), error: code, error_description: fc.string() }),
  );
  const channelData = fc.oneof(data, { weight: 2, arbitrary: errorValid }, { weight: 2, arbitrary: errorNearMiss });
  const isRightError = (value: unknown) => isErrorMessage(value, state);

  it(
    'settles on the first right token or error message and ignores every other message, on the channel as on the window',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(channelData, { maxLength: 12 }), async (messages) => {
          const bus = createChannelBus();
          const opener = createOpenerWindow(bus, appOrigin);
          const controller = new AbortController();
          const pending = openSignInPopup({
            url: `${appOrigin}/auth/google/consent?state=${state}`,
            state,
            host: opener.host,
            signal: controller.signal,
          });
          for (const m of messages) bus.post(signInChannelName(state), m);
          const first = messages.find((m) => hasTheExpectedShape(m) || isRightError(m));
          const unaccepted = new Error('no message was accepted');
          controller.abort(unaccepted);
          const outcome = await pending.then(
            (token) => ({ token }),
            (error: unknown) => ({ error: (error as Error).name }),
          );
          if (!first) expect(outcome).toEqual({ error: 'Error' });
          else if (hasTheExpectedShape(first)) expect(outcome).toEqual({ token: (first as { token: string }).token });
          else
            expect(outcome).toEqual({
              error: (first as { error: string }).error === 'access_denied' ? 'PopupCancelledError' : 'ReauthError',
            });
          expect([bus.openChannels(), opener.windowListeners()]).toEqual([[], 0]);
        }),
        { numRuns: fuzzRuns },
      );
    },
    Math.max(5_000, fuzzRuns),
  );
});

describe('the sign-in messages a page of the origin could get wrong', () => {
  it('ignores an error that is no bare code and a token that is no string: no page text reaches the banner', async () => {
    const bus = createChannelBus();
    const opener = createOpenerWindow(bus, appOrigin);
    const pending = openSignInPopup({ url: `${appOrigin}/auth/google/consent?state=${state}`, state, host: opener.host });
    for (const error of ['Access blocked: access_denied', 'server_error: see https://help.test', ['server_error']])
      bus.post(signInChannelName(state), { type: errorMessageType, state, error });
    bus.post(signInChannelName(state), { type: tokenMessageType, state, token: ['a.b.c'] });
    bus.post(signInChannelName(state), { type: tokenMessageType, state, token: 'a.b.c' });
    await expect(pending).resolves.toBe('a.b.c');
  });
});

describe('the callback page', () => {
  it(
    'posts the token only to its own origin, in exactly the shape the opener accepts',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.webUrl(), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), jwt, async (base, code, s, token) => {
          const url = new URL(base);
          url.search = new URLSearchParams({ code, state: s }).toString();
          const posted: Array<[unknown, string]> = [];
          // The app's window answers on the sign-in's channel at once, as it does: no real wait for a receipt per run.
          const bus = createChannelBus();
          const app = new bus.BroadcastChannel(signInChannelName(s));
          app.addEventListener('message', () => app.postMessage({ type: receiptMessageType, state: s }));
          await completeGoogleSignIn({
            url,
            opener: { postMessage: (m: unknown, target: string) => void posted.push([m, target]) } as Window,
            exchange: async () => token,
            BroadcastChannel: bus.BroadcastChannel,
          });
          app.close();
          expect(posted).toEqual([[{ type: tokenMessageType, state: s, token }, url.origin]]);
          expect(isTokenMessage(posted[0]![0], s)).toBe(true);
        }),
        { numRuns: fuzzRuns },
      );
    },
    Math.max(5_000, fuzzRuns),
  );
});

// Written out, not read from popup-message.ts: after a deploy the callback page may be a newer build than the app tab.
describe('the sign-in messages as another build of the app speaks them', () => {
  const channelName = `quiet-session:sign-in:${state}`;
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';

  it('takes the token and the error on the default channel, and answers with the receipt', async () => {
    const bus = createChannelBus();
    const opener = createOpenerWindow(bus, appOrigin);
    const signedIn = openSignInPopup({ url: `${appOrigin}/auth/google/consent?state=${state}`, state, host: opener.host });
    bus.post(channelName, { type: 'quiet-session/google-sign-in', state, token });
    // Taken as it is posted: a message it does not know leaves it waiting, not failing.
    await expect(Promise.race([signedIn, 'still waiting'])).resolves.toBe(token);
    expect(bus.sent).toContainEqual({ name: channelName, data: { type: 'quiet-session/google-sign-in-received', state } });

    const cancelled = openSignInPopup({ url: `${appOrigin}/auth/google/consent?state=${state}`, state, host: opener.host });
    bus.post(channelName, { type: 'quiet-session/google-sign-in-error', state, error: 'access_denied' });
    await expect(Promise.race([cancelled, 'still waiting'])).rejects.toBeInstanceOf(PopupCancelledError);
  });

  it('sends the token on the default channel, and closes on the receipt', async () => {
    const bus = createChannelBus();
    const app = new bus.BroadcastChannel(channelName);
    const got: unknown[] = [];
    app.addEventListener('message', ({ data }) => {
      got.push(data);
      app.postMessage({ type: 'quiet-session/google-sign-in-received', state });
    });
    await expect(
      completeGoogleSignIn({
        url: new URL(`${appOrigin}/auth/google/callback?code=c0de&state=${state}`),
        opener: null,
        exchange: async () => token,
        BroadcastChannel: bus.BroadcastChannel,
        // The receipt comes as the token is posted: no need to wait long for it.
        receiptTimeoutMs: 100,
      }),
    ).resolves.toBeNull();
    app.close();
    expect(got).toEqual([{ type: 'quiet-session/google-sign-in', state, token }]);
    expect(bus.openChannels()).toEqual([]);
  });
});
