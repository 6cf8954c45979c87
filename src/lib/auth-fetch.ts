// The seed's path, kept so its readers find the app-wide authFetch here, with the layer's client and errors.
import { type AuthFetch, type AuthFetchClient, QuietSessionError } from './session/index.ts';

export {
  AuthExpiredError,
  BodyNotReplayableError,
  createAuthFetch,
  NotReplayedError,
  PopupBlockedError,
  PopupCancelledError,
  PopupClosedError,
  PopupTimeoutError,
  QuietSessionError,
  ReauthError,
  type AuthFetch,
  type AuthFetchClient,
  type AuthFetchInit,
  type AuthFetchOptions,
} from './session/index.ts';

let installed: AuthFetchClient | null = null;

/**
 * Makes `client` the one behind the app-wide `authFetch`. Returns an undo.
 *
 * @example
 * const uninstall = installAuthFetch(createAuthFetch(options));
 */
export function installAuthFetch(client: AuthFetchClient): () => void {
  installed = client;
  return () => {
    if (installed === client) installed = null;
  };
}

/**
 * The app-wide `authFetch`: the installed client's. Rejects with a clear
 * error when none is installed, rather than sending without a token.
 *
 * @example
 * const credits = await (await authFetch('/api/credits')).json();
 */
export const authFetch: AuthFetch = (input, init) => {
  if (!installed) {
    return Promise.reject(
      new QuietSessionError('authFetch was called before installAuthFetch(createAuthFetch(...)); wire it in main.tsx.'),
    );
  }
  return installed.authFetch(input, init);
};
