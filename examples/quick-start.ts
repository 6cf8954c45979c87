import { waitFor } from 'xstate';
import { createAuthFetch } from '../src/lib/session/index.ts';

const API = 'https://api.example.com';

export async function quickStart(signIn: () => Promise<string>) {
  // Your stored token; held calls go again only with one for the same account (the JWT's `sub`).
  let token: string | null = 'token-that-expired';
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (fresh) => {
      token = fresh;
    },
    // Your getCurrentUser: true if accepted, false on 401, throws otherwise.
    validate: async ({ token, signal }) => {
      const me = await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` }, signal });
      if (!me.ok && me.status !== 401) throw new Error(`/auth/me: ${me.status}`);
      return me.ok;
    },
    // The sign-in popup: resolves with the new token.
    reauthenticate: () => signIn(),
    allowedOrigins: [API],
  });

  // Like fetch. The token has expired: the call is held, not failed.
  const pending = client.authFetch(`${API}/api/credits`);
  await waitFor(client.actor, (state) => state.matches('needsReauth'));

  // Your banner's Reconnect button, in its click handler.
  client.reconnect();
  const credits = await (await pending).json(); // replayed with the new token
  client.stop();
  return credits;
}
