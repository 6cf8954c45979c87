/** @vitest-environment node */
import { expect, it } from 'vitest';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';

/**
 * The options checks used to print the value they reject. An allowedOrigins
 * entry copied from a request URL can carry a token in its query string, and
 * that token would land in the error message, in the console and in error
 * reporting. The rest of the library leaves query strings out of messages
 * ("a query string may carry secrets", auth-errors.ts).
 */
const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.optionSecret3';
const good = { getToken: () => null, setToken: () => {}, validate: async () => true, reauthenticate: async () => 'x' };

it.each([
  ['an allowedOrigins entry with a query string', { ...good, allowedOrigins: [`https://api.test/callback?access_token=${secret}`] }],
  ['a timeout given a string', { ...good, validationTimeoutMs: secret }],
  ['a limit given a string', { ...good, limits: { reauthAttempts: secret } }],
])('does not echo %s', (_name, options) => {
  let message = '';
  try {
    createAuthFetch(options as unknown as AuthFetchOptions);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/createAuthFetch/);
  expect(message).not.toContain('optionSecret3');
});
