// `npm run stack`: app :5173, API :8000, Google :8001 (STACK_APP_PORT, STACK_API_PORT, STACK_GOOGLE_PORT; TOKEN_TTL_SECONDS;
// STACK_APP=build for the production build, as users ship it).
import { killAllServers, missingPythonPackages } from './processes.ts';
import { startStack, type Stack } from './stack.ts';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

// Before anything starts: one line, no stack trace.
const missing = missingPythonPackages();
if (missing) {
  console.error(missing);
  process.exit(1);
}

let stack: Stack | null = null;
let ending = false;
const end = async (code: number) => {
  if (ending) return;
  ending = true;
  // Stopped while starting: no time to ask them nicely.
  if (stack) await stack.stop();
  else killAllServers();
  process.exit(code);
};
process.on('SIGINT', () => void end(130));
process.on('SIGTERM', () => void end(143));
// The last resort if this process ends some other way: no server outlives it.
process.on('exit', killAllServers);

const ttl = process.env.TOKEN_TTL_SECONDS;
try {
  stack = await startStack({
    ports: { app: port('STACK_APP_PORT', 5173), api: port('STACK_API_PORT', 8000), google: port('STACK_GOOGLE_PORT', 8001) },
    tokenTtlSeconds: ttl ? Number(ttl) : undefined,
    app: process.env.STACK_APP === 'build' ? 'build' : 'dev',
    output: (line) => console.log(line),
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
console.log(
  `\nThe app:        ${stack.appUrl}\nThe API:        ${stack.apiUrl}\nStand-in Google: ${stack.googleUrl}\nCtrl-C stops all three.\n`,
);
const gone = await stack.ended;
if (!ending) {
  console.error(`${gone} exited: stopping the stack.`);
  await end(1);
}
