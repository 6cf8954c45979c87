import { build, type InlineConfig } from 'vite';

/**
 * Builds with `config` under NODE_ENV=production, then puts NODE_ENV back, and returns the output's chunks.
 * Vite decides `import.meta.env.DEV` (and React's JSX runtime) from NODE_ENV, and a test runner sets it to
 * `test`: built under it, the "production" bundle would keep every dev-only branch (msw, the dev panel) and
 * measure nothing real.
 */
export async function buildProductionChunks(config: InlineConfig) {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    const result = await build(config);
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
    return outputs.filter((output) => output.type === 'chunk');
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}
