import { waitFor } from 'xstate';
import { createAuthFetch } from '../src/lib/auth-fetch.ts';

const API = 'https://api.example.com';

export async function quickStart(signIn: () => Promise<string>) {
  let token: string | null = 'token-that-expired';
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (fresh) => {
      token = fresh;
    },
    // Your getCurrentUser: true if the backend accepts the token, false on 401, throws otherwise.
    validate: async ({ token, signal }) => {
      const me = await fetch(`${API}/auth/me`, { headers: { Authorization: `Bearer ${token}` }, signal });
      if (!me.ok && me.status !== 401) throw new Error(`/auth/me: ${me.status}`);
      return me.ok;
    },
    // Interactive sign-in (the Google popup in the browser): resolves with the new token.
    reauthenticate: () => signIn(),
    allowedOrigins: [API],
  });

  // Use it exactly like fetch. The token has expired, so the call is held, not failed.
  const pending = client.authFetch(`${API}/api/credits`);
  await waitFor(client.actor, (state) => state.matches('needsReauth'));

  // Your banner's "Reconnect" button calls this, inside its click handler.
  client.reconnect();
  const credits = await (await pending).json(); // replayed with the new token
  client.stop();
  return credits;
}
