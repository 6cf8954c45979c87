/** @vitest-environment node */
import { statSync } from 'node:fs';
import { expect, it } from 'vitest';

it('keeps README.md at most 16,000 bytes: the rest belongs in docs/', () => {
  const bytes = statSync(new URL('../README.md', import.meta.url)).size;
  expect(bytes, `README.md is ${bytes} bytes`).toBeLessThanOrEqual(16_000);
});
