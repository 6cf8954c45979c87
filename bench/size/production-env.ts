/**
 * Runs `task` with NODE_ENV=production, then puts it back. Vite decides
 * `import.meta.env.DEV` (and React's JSX runtime) from NODE_ENV, and a test
 * runner sets it to `test`: built under it, the "production" bundle would keep
 * every dev-only branch (msw, the dev panel) and measure nothing real.
 *
 * @example
 * const output = await asProduction(() => build({ mode: 'production' }));
 */
export async function asProduction<T>(task: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await task();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}
