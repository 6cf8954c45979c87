/** @vitest-environment happy-dom */
import { cleanup, render, screen } from '@testing-library/react';
import { StrictMode, useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { SessionExpiredBanner } from '../../src/components/SessionExpiredBanner.tsx';
import { AuthProvider } from '../../src/contexts/AuthContext.tsx';
import { getCurrentUser, loadUser } from '../../src/lib/auth-api.ts';
import { createTokenStorage, type TokenStorage } from '../../src/lib/token-storage.ts';
import { createAuthFetch, installAuthFetch, type AuthFetchClient } from '../../src/lib/auth-fetch.ts';
import { getCredits } from '../../src/lib/credits-api.ts';
import { createTabSync, type TabSync } from '../../src/lib/session/tab-sync.ts';
import { createMockHandlers } from '../../src/mocks/handlers.ts';
import { createMockAuth } from '../../src/mocks/mock-auth.ts';
import { createMemoryStorage, createMockStore } from '../../src/mocks/mock-store.ts';
import { createFakeLocks } from '../support/fake-locks.ts';
import { serveForTests } from '../support/msw-server.ts';
import { deferred, type Deferred } from './support/session-fixture.ts';

const server = serveForTests();
const undo: Array<() => void> = [];
afterEach(() => {
  cleanup();
  for (const u of undo.splice(0)) u();
});

/** A tab wired as main.tsx wires one, on a token storage and a lock manager the tabs share. */
function openTab(shared: { storage: ReturnType<typeof createMemoryStorage>; locks: ReturnType<typeof createFakeLocks>; name: string }) {
  const tokens = createTokenStorage(shared.storage);
  const popups: Deferred<string>[] = [];
  const sync = createTabSync(
    {
      validate: async ({ token, signal }) => (await getCurrentUser({ token, signal })) !== null,
      reauthenticate: () => {
        popups.push(deferred<string>());
        return popups.at(-1)!.promise;
      },
    },
    { name: shared.name, locks: shared.locks, storage: shared.storage },
  );
  const client = createAuthFetch({
    getToken: tokens.getToken,
    setToken: tokens.setToken,
    validate: sync.validate,
    reauthenticate: sync.reauthenticate,
  });
  undo.push(client.stop);
  return { tokens, sync, client, popups };
}

/** main.tsx's wiring with the connection made in an effect, which StrictMode runs, undoes and runs again. */
function Tab({ sync, session, tokens }: { sync: TabSync; session: AuthFetchClient; tokens: TokenStorage }) {
  useEffect(() => sync.connect(session), [sync, session]);
  return (
    <AuthProvider session={session} tokens={tokens} loadUser={loadUser}>
      <SessionExpiredBanner />
    </AuthProvider>
  );
}

describe('tab sync under a StrictMode double mount', () => {
  it('follows the other tab: its popup, then its token', async () => {
    const store = createMockStore();
    server.resetHandlers(...createMockHandlers({ apiBaseUrl: globalThis.location.origin, store }));
    const auth = createMockAuth(store);
    const shared = { storage: createMemoryStorage(), locks: createFakeLocks(), name: `qs-strict-${Math.random()}` };
    const rendered = openTab(shared);
    const other = openTab(shared);
    rendered.tokens.setToken((await auth.issueAccessToken()).access_token);
    undo.push(installAuthFetch(rendered.client));
    undo.push(other.sync.connect(other.client));
    render(
      <StrictMode>
        <Tab sync={rendered.sync} session={rendered.client} tokens={rendered.tokens} />
      </StrictMode>,
    );

    store.expireSessions();
    const held = getCredits();
    held.catch(() => {}); // awaited below; a failed run should not add an unhandled rejection to its report
    other.client.authFetch('/api/credits').catch(() => {});
    await screen.findByText('Session expired — click to reconnect');
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));

    other.client.reconnect();
    await screen.findByText('Reconnecting in another tab…');
    other.popups[0]!.resolve((await auth.issueAccessToken()).access_token);
    expect(await held).toEqual({ balance: expect.any(Number) });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
