import type { ActorRefFrom } from 'xstate';
import type { sessionMachine } from '../../../machines/session.machine.ts';
import type { AuthFetchClient } from './auth-fetch-client.ts';
import { DEV } from './dev.ts';
import type { AuthFetchOptions } from './options.ts';
import { isHeaderSafe, type OwnWork } from './own-work.ts';
import { issuedBefore, readTokenClaims, type TokenClaims } from './token-claims.ts';

/** What adopting a token reads and tells. */
export interface AdoptionParts {
  options: AuthFetchOptions;
  own: OwnWork;
  claims: (token: string | null) => TokenClaims;
  /** The stored token, null when none or when the store throws. */
  currentToken: () => string | null;
  actor: ActorRefFrom<typeof sessionMachine>;
}

/**
 * The client's `adoptToken`: stores a token obtained elsewhere and lets held calls go with it, unless it is no
 * news (refused here, being asked about, older than the one stored) or the session has nobody to adopt it for.
 *
 * @example
 * const adoptToken = createAdoptToken({ options, own, claims, currentToken, actor });
 * adoptToken(freshToken, { whileSignedIn: true });
 */
export function createAdoptToken({ options, own, claims, currentToken, actor }: AdoptionParts): AuthFetchClient['adoptToken'] {
  return (token, only) => {
    const unusable = typeof token !== 'string' || !isHeaderSafe(token);
    // A wiring mistake, caught in development like the options'.
    if (DEV && unusable) throw new TypeError('adoptToken: expected a token string a header can carry (no spaces, no line breaks).');
    // Ignored in production: the held calls would meet fetch's TypeError, which quotes it.
    const current = currentToken();
    if (unusable || actor.getSnapshot().status !== 'active' || (only?.whileSignedIn && current === null)) return;
    // The very token the backend refused, or is being asked about (a tab's message late or repeated): no news for held calls.
    if (own.refused.has(token) || (token === own.checking?.token && !own.checking.signal.aborted)) return;
    // A tab's message naming a token issued before the one stored is late or repeated: the calls would go with the stale one.
    if (only?.whileSignedIn && !own.refused.has(current) && issuedBefore(readTokenClaims(token), claims(current))) return;
    options.setToken(token);
    actor.send({ type: 'token.adopted' });
  };
}
