import { createHmac } from 'node:crypto';
import { setupServer } from 'msw/node';
import { startBackend, type Backend } from '../../../backend/stack.ts';
import { codeChallengeOf, createCodeVerifier } from '../../../src/lib/pkce.ts';
import { createMockHandlers } from '../../../src/mocks/handlers.ts';
import { signJwt } from '../../../src/mocks/jwt.ts';
import { mockAccounts } from '../../../src/mocks/mock-data.ts';
import { accessTokenAudience, accessTokenIssuer, mockSigningKey } from '../../../src/mocks/mock-auth.ts';
import { freePort } from '../../e2e/support/app-server.ts';
import { openChooser, press } from './google-chooser.ts';
import { listenStrictly } from '../../support/msw-server.ts';

/** The accounts both Googles offer. */
export type AccountName = 'Ada Lovelace' | 'Grace Hopper';

/** One backend under the contract: how to reach it, sign in on it, and make tokens for it. */
export interface ContractBackend {
  name: string;
  /** The API's base URL, set once `start()` has resolved. */
  api: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A fresh Google code and the state it belongs to, as the app's callback page receives them, with the PKCE verifier the app kept. */
  googleCode(account: AccountName): Promise<{ code: string; state: string; code_verifier: string }>;
  /** The state of a sign-in that was started and has no code yet. */
  startedState(): Promise<string>;
  /** Signs `claims` with the backend's own key, its issuer and audience unless `claims` say otherwise, as its access tokens are. */
  sign(claims: { sub: string; iat: number; exp: number; [claim: string]: unknown }): Promise<string>;
  /** A workflow id the backend itself would issue to `userId`: its start (base 36) and nonce, tagged with its own key. */
  workflowId(userId: string, started: string, nonce: string): string;
}

/** A workflow id tagged as both backends tag theirs: 16 hex digits of an HMAC-SHA256 of user, start and nonce. */
const taggedWorkflowId = (key: string, userId: string, started: string, nonce: string) =>
  `wf_${started}_${nonce}${createHmac('sha256', key).update(`workflow:${userId}:${started}:${nonce}`).digest('hex').slice(0, 16)}`;

/** The app's callback page: where both Googles send the popup back to. */
export const appOrigin = 'http://app.contract.test';

/**
 * The msw mock backend (src/mocks), in this process: `setupServer` with `onUnhandledRequest: 'error'`.
 *
 * @example
 * const backend = mswBackend(); await backend.start();
 */
export function mswBackend(): ContractBackend {
  const api = 'http://api.contract.test';
  const server = setupServer(...createMockHandlers({ apiBaseUrl: api }));
  return {
    name: 'msw mock',
    api,
    start: async () => listenStrictly(server),
    stop: async () => server.close(),
    async googleCode(account) {
      const state = globalThis.crypto.randomUUID();
      const verifier = createCodeVerifier();
      const id = mockAccounts.find((candidate) => candidate.name === account)?.id;
      const response = await fetch(`${api}/mock-google/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ account: id, state, code_challenge: codeChallengeOf(verifier), code_challenge_method: 'S256' }),
      });
      return { code: ((await response.json()) as { code: string }).code, state, code_verifier: verifier };
    },
    // The mock keeps no states: a code is bound to the one it was issued with.
    startedState: async () => globalThis.crypto.randomUUID(),
    sign: (claims) => signJwt({ typ: 'access', iss: accessTokenIssuer, aud: accessTokenAudience, ...claims }, mockSigningKey),
    workflowId: (userId, started, nonce) => taggedWorkflowId(mockSigningKey, userId, started, nonce),
  };
}

/** The reference backend's HS256 key in the contract tests. */
const jwtSecret = 'contract-test-secret-of-32-bytes-at-least';

/**
 * The FastAPI backend and the stand-in Google, spawned on free ports.
 *
 * @example
 * const backend = fastapiBackend({ tokenTtlSeconds: 120 }); await backend.start();
 */
export function fastapiBackend(options: { tokenTtlSeconds?: number } = {}): ContractBackend & { servers(): Backend } {
  let servers: Backend | null = null;
  const self: ContractBackend & { servers(): Backend } = {
    name: 'FastAPI backend',
    api: '',
    servers() {
      if (!servers) throw new Error('The FastAPI backend has not been started.');
      return servers;
    },
    async start() {
      servers = await startBackend({ apiPort: await freePort(), googlePort: await freePort(), appOrigin, jwtSecret, ...options });
      self.api = servers.apiUrl;
    },
    stop: async () => servers?.stop(),
    async googleCode(account) {
      const state = globalThis.crypto.randomUUID();
      const verifier = createCodeVerifier();
      const callback = await press(await openChooser(self.api, state, undefined, verifier), `Continue as ${account}`);
      return { code: callback.searchParams.get('code') ?? '', state: callback.searchParams.get('state') ?? '', code_verifier: verifier };
    },
    async startedState() {
      const state = globalThis.crypto.randomUUID();
      await openChooser(self.api, state);
      return state;
    },
    sign: (claims) => signJwt({ iss: accessTokenIssuer, aud: accessTokenAudience, ...claims }, jwtSecret),
    workflowId: (userId, started, nonce) => taggedWorkflowId(jwtSecret, userId, started, nonce),
  };
  return self;
}
