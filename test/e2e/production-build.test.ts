/** @vitest-environment node */
import { access, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from './support/app-server.ts';

const built: string[] = [];
afterAll(async () => {
  await Promise.all(built.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** All JavaScript the build emitted, as one string; `worker`: whether msw's service worker script ships beside it. */
async function bundleText(mode: string): Promise<{ text: string; worker: boolean }> {
  const dir = await buildApp({ mode });
  built.push(dir);
  const assets = join(dir, 'assets');
  const files = (await readdir(assets)).filter((file) => file.endsWith('.js'));
  const text = (await Promise.all(files.map((file) => readFile(join(assets, file), 'utf8')))).join('\n');
  const worker = await access(join(dir, 'mockServiceWorker.js')).then(
    () => true,
    () => false,
  );
  return { text, worker };
}

/** Strings only the mock backend, the dev panel or the inspector bring along. */
const mockOnly = ['setupWorker', 'mockServiceWorker', 'quiet-session-mock-backend', 'Expire session', 'stately.ai/inspect'];

describe('the builds', () => {
  it('leaves msw, the mock backend, the dev panel and the inspector out of a production build', async () => {
    const { text, worker } = await bundleText('production');
    for (const marker of mockOnly) expect(text.includes(marker), marker).toBe(false);
    expect(worker, 'mockServiceWorker.js').toBe(false);
    expect(text).toContain('Session expired — click to reconnect');
  }, 60_000);

  it('puts them in a mock-mode build (the demo and the browser tests)', async () => {
    const { text, worker } = await bundleText('mock');
    for (const marker of mockOnly) expect(text.includes(marker), marker).toBe(true);
    expect(worker, 'mockServiceWorker.js').toBe(true);
  }, 60_000);

  it('turns the mocks off when VITE_API_BASE_URL points at a real backend', async () => {
    process.env.VITE_API_BASE_URL = 'https://api.example.com';
    try {
      const { text, worker } = await bundleText('mock');
      for (const marker of mockOnly) expect(text.includes(marker), marker).toBe(false);
      expect(worker, 'mockServiceWorker.js').toBe(false);
      expect(text).toContain('https://api.example.com');
    } finally {
      delete process.env.VITE_API_BASE_URL;
    }
  }, 60_000);
});
