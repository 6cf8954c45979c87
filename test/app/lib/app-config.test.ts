/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiBaseUrl, apiOrigin, apiUrl } from '../../../src/lib/app-config.ts';

afterEach(() => vi.unstubAllEnvs());

describe('app-config', () => {
  it('takes a base URL with a path prefix and a trailing slash', () => {
    vi.stubEnv('VITE_API_BASE_URL', 'https://api.example.com/studio/');
    expect(apiUrl('/api/credits')).toBe('https://api.example.com/studio/api/credits');
    expect(apiOrigin()).toBe('https://api.example.com');
  });

  it('takes a base path on the page\u2019s own host (a backend behind the same proxy), and starts the app', () => {
    vi.stubEnv('VITE_API_BASE_URL', '/backend/');
    expect(() => apiOrigin()).not.toThrow();
    expect(apiOrigin()).toBe(location.origin);
    expect(apiBaseUrl()).toBe(`${location.origin}/backend`);
    expect(apiUrl('/api/credits')).toBe(`${location.origin}/backend/api/credits`);
  });
});
