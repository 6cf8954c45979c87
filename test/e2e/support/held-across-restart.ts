import { startBackend } from '../../../backend/stack.ts';
import { freePort } from './app-server.ts';
import type { StackInChromium } from './stack-in-chromium.ts';
import { heldAtLeast } from './studio-user.ts';

const offlineLine = "You're offline — anything still waiting will be sent when the connection is back.";

/**
 * A Generate held across a deploy: the API goes down behind its switch, Generate is pressed and held offline, and a
 * backend started with `restart` (another JWT_SECRET, another token life) comes up in its place before `story` runs.
 * The new backend stops after it, and the switch is left up.
 *
 * @example
 * await withGenerateHeldAcrossRestart(run, { tokenTtlSeconds: 3600, jwtSecret: 'rotated' }, async () => { … });
 */
export async function withGenerateHeldAcrossRestart(
  run: StackInChromium,
  restart: { tokenTtlSeconds: number; jwtSecret: string },
  story: () => Promise<void>,
): Promise<void> {
  const { stack, page } = run;
  const api = stack.apiSwitch!;
  let restarted: Awaited<ReturnType<typeof startBackend>> | null = null;
  let down = false;
  try {
    await api.down();
    down = true;
    await page.getByText(offlineLine).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Generate' }).click();
    await heldAtLeast(page, 1);
    restarted = await startBackend({ apiPort: await freePort(), googlePort: await freePort(), appOrigin: stack.appUrl, ...restart });
    await api.up(Number(new URL(restarted.apiUrl).port));
    down = false;
    await story();
  } finally {
    if (down) await api.up();
    await restarted?.stop();
  }
}
