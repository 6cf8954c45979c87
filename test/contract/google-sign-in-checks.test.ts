/** @vitest-environment node */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingPythonPackages, python } from '../../backend/processes.ts';

// The backend's checks of Google's ID token and sign-in state, as its Python unit tests: tokens the stand-in never makes.
describe('the backend checks every Google sign-in', () => {
  it('refuses ID tokens for another client, from another issuer, expired, badly signed or of another sign-in', async () => {
    const missing = missingPythonPackages();
    if (missing) throw new Error(missing);
    const child = spawn(python, ['-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'], {
      cwd: resolve(import.meta.dirname, '../../backend'),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const status = await new Promise<number | null>((done) => child.on('close', done));
    expect(status, output).toBe(0);
    // unittest exits 0 when it finds nothing to run: make sure it ran the suite.
    expect(Number(/^Ran (\d+) tests?/m.exec(output)?.[1] ?? 0), output).toBeGreaterThanOrEqual(15);
  }, 60_000);
});
