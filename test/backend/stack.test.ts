/** @vitest-environment node */
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../backend/stack.ts';
import { freePort } from '../e2e/support/app-server.ts';

/** `startStack`, as `npm run stack` and the browser tests use it, on free ports. */
let stack: Stack | null = null;
afterAll(() => stack?.stop());

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    () => true,
    () => false,
  );

describe('startStack', () => {
  it('runs the app against the backend, which signs in with the stand-in, and stops all three', async () => {
    stack = await startStack({ ports: { app: await freePort(), api: await freePort(), google: await freePort() }, tokenTtlSeconds: 30 });
    // The app is served with the mocks off and its API set to the backend.
    const config = await (await fetch(`${stack.appUrl}/src/lib/app-config.ts`)).text();
    expect(config).toContain(`"VITE_API_BASE_URL": "${stack.apiUrl}"`);
    // The backend sends its sign-in to the stand-in, back to the app's callback page.
    const state = 'state-of-the-spa';
    const login = await fetch(
      `${stack.apiUrl}/auth/google/login?${new URLSearchParams({ state, redirect_uri: `${stack.appUrl}/auth/google/callback`, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
      {
        redirect: 'manual',
      },
    );
    expect(login.status).toBe(302);
    const chooser = await fetch(login.headers.get('location')!);
    expect(chooser.url.startsWith(`${stack.googleUrl}/`)).toBe(true);
    expect(await chooser.text()).toMatch(/Choose an account[\s\S]*Ada Lovelace/);
    // CORS lets the app read the 401s.
    const refused = await fetch(`${stack.apiUrl}/auth/me`, { headers: { origin: stack.appUrl } });
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([401, stack.appUrl]);

    const urls = [stack.appUrl, stack.apiUrl, stack.googleUrl];
    await stack.stop();
    stack = null;
    expect(await Promise.all(urls.map(answers))).toEqual([false, false, false]);
  }, 90_000);
});
