import { expectTypeOf } from 'vitest';
import { authFetch, createAuthFetch, type AuthFetchClient } from '../../src/lib/auth-fetch.ts';

// authFetch is a drop-in fetch: assignable both ways, same parameters, same result.
expectTypeOf(authFetch).toEqualTypeOf<typeof fetch>();
expectTypeOf<AuthFetchClient['authFetch']>().toEqualTypeOf<typeof fetch>();
expectTypeOf(createAuthFetch).returns.toEqualTypeOf<AuthFetchClient>();
const asFetch: typeof fetch = authFetch;
void asFetch;
