/** @vitest-environment node */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspectAppBundle } from '../../bench/size/app-bundle.ts';
import { measureSessionLayer } from '../../bench/size/measure.ts';
import { BUDGET_BYTES } from '../../bench/size/session-layer.ts';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
// Real Vite builds (in memory, no dist/): a second or two each, more on a busy machine.
const BUILD_TIMEOUT = 60_000;

describe('size budget (npm run size)', () => {
  it(
    'keeps the session layer within its 15 KB gzip budget, xstate and React excluded',
    async () => {
      const size = await measureSessionLayer(root);
      const shares = size.modules.map((m) => `${m.renderedBytes} ${m.file}`).join('\n');
      expect(size.gzipBytes, `session layer is ${size.gzipBytes} B gzip; shares before minification:\n${shares}`).toBeLessThanOrEqual(
        BUDGET_BYTES,
      );
    },
    BUILD_TIMEOUT,
  );

  it(
    'ships no msw, mock backend or inspector in the production app bundle',
    async () => {
      const report = await inspectAppBundle(root);
      expect(report.built, 'index.html is missing: the app bundle cannot be checked').toBe(true);
      expect(report.offenders).toEqual([]);
    },
    BUILD_TIMEOUT,
  );

  it(
    'finds msw and the mock backend in a build that asks for them (mock mode)',
    async () => {
      const report = await inspectAppBundle(root, 'mock');
      expect(report.offenders.some((line) => line.startsWith('msw:'))).toBe(true);
      expect(report.offenders.some((line) => line.startsWith('the mock backend'))).toBe(true);
    },
    BUILD_TIMEOUT,
  );
});
