import { authFetch } from './auth-api.ts';
import { apiUrl } from './app-config.ts';
import { readJson } from './api-error.ts';

/** The user's generation credits. */
export interface Credits {
  balance: number;
}

/**
 * Loads the credit balance. On an expired session the call waits for the
 * reconnect instead of failing.
 *
 * @example
 * const { balance } = await getCredits({ signal });
 */
export async function getCredits(args: { signal?: AbortSignal } = {}): Promise<Credits> {
  return readJson<Credits>(await authFetch(apiUrl('/api/credits'), { signal: args.signal }), 'Loading credits');
}
