import { expectTypeOf } from 'vitest';
import { authFetch, createAuthFetch, type AuthFetchClient, type AuthFetchInit } from '../../src/lib/auth-fetch.ts';

// authFetch is a drop-in fetch: it takes every call fetch takes, gives what fetch gives, and fits where fetch is expected.
expectTypeOf(authFetch).parameters.toEqualTypeOf<[input: RequestInfo | URL, init?: AuthFetchInit]>();
expectTypeOf<Parameters<typeof fetch>>().toExtend<Parameters<typeof authFetch>>();
expectTypeOf(authFetch).returns.toEqualTypeOf<ReturnType<typeof fetch>>();
expectTypeOf(authFetch).toExtend<typeof fetch>();
expectTypeOf<AuthFetchClient['authFetch']>().toEqualTypeOf<typeof authFetch>();
// Its one option of its own.
expectTypeOf<AuthFetchInit['replay']>().toEqualTypeOf<boolean | undefined>();
expectTypeOf(createAuthFetch).returns.toEqualTypeOf<AuthFetchClient>();
const asFetch: typeof fetch = authFetch;
void asFetch;
