import type { BenchAuth, TokenStore } from './contender.ts';

/**
 * A token held in memory, standing in for the app's localStorage.
 *
 * @example
 * const tokens = createTokenStore(); tokens.set(await backend.issueToken());
 */
export function createTokenStore(): TokenStore {
  let token: string | null = null;
  return {
    get: () => token,
    set: (next) => {
      token = next;
    },
  };
}

/**
 * The backend's validate and re-auth calls over plain fetch. Every contender
 * uses these two, so differences in the table come from the wrappers alone.
 *
 * @example
 * const auth = createBenchAuth(backend.origin);
 * const token = await auth.reauthenticate();
 */
export function createBenchAuth(origin: string): BenchAuth {
  return {
    async validate(token, signal) {
      const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
      const response = await fetch(`${origin}/auth/me`, { headers, signal });
      await response.arrayBuffer();
      if (response.status === 401) return false;
      if (!response.ok) throw new Error(`/auth/me answered ${response.status}`);
      return true;
    },
    async reauthenticate(signal) {
      const response = await fetch(`${origin}/auth/reauth`, { method: 'POST', signal });
      if (!response.ok) throw new Error(`/auth/reauth answered ${response.status}`);
      const { token } = (await response.json()) as { token: string };
      return token;
    },
  };
}
