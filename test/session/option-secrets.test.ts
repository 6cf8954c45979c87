/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';

describe('the error of a bad allowedOrigins entry', () => {
  // A URL copied from a config that reached the API with basic auth: the entry is refused, rightly. Copied with a
  // space before it, or written without its slashes (which URL reads all the same), too.
  it.each([
    ['https://svc:hunter2-s3cret@api.example.com', 'https://api.example.com'],
    [' https://svc:hunter2-s3cret@api.example.com', ' https://api.example.com'],
    ['https:svc:hunter2-s3cret@api.example.com', 'https:api.example.com'],
    ['https:\\\\svc:hunter2-s3cret@api.example.com', 'https:\\\\api.example.com'],
    // A password with a # or ? in it, which ends the authority for URL: the entry never parses.
    ['https://svc:hunter2#s3cret@api.example.com', 'https://api.example.com'],
    ['https://svc:hunter2?s3cret@api.example.com', 'https://api.example.com'],
  ])('does not quote the password of an entry copied with its user:password@ (%s)', (entry, shown) => {
    const options: AuthFetchOptions = {
      getToken: () => null,
      setToken: () => {},
      validate: async () => true,
      reauthenticate: async () => 'token',
      allowedOrigins: [entry],
    };
    let message = '';
    try {
      createAuthFetch(options);
    } catch (error) {
      message = (error as Error).message;
    }
    // What it shows of the entry is the entry without it, so that the developer finds the one to fix.
    expect(message).toContain(`entry "${shown}" is not an origin`);
    // The message says what to fix; it must not carry the credential into logs and error trackers.
    expect(message).not.toContain('hunter2');
  });
});
