/** @vitest-environment node */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInLayer, SESSION_LAYER } from '../../bench/size/session-layer.ts';
import { sourceFiles } from '../app/support/token-scan.ts';

const root = resolve(import.meta.dirname, '../..');
const rel = (file: string) => relative(root, file);
const entry = resolve(root, SESSION_LAYER.entry);

/** Every module a file imports, re-exports or loads lazily, as written. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
}

/** What `specifier` names: an absolute path for a relative import, the package name otherwise. */
const target = (file: string, specifier: string) => (specifier.startsWith('.') ? resolve(dirname(file), specifier) : specifier);

/** Every file reachable from `start` through relative imports. */
function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of importsOf(file)) if (specifier.startsWith('.')) visit(target(file, specifier));
  };
  visit(start);
  return seen;
}

const layerFiles = sourceFiles(resolve(root, SESSION_LAYER.folder));
const appFiles = sourceFiles(resolve(root, 'src')).filter((file) => !isInLayer(root, file));

describe('the edges of the session layer', () => {
  it('has a layer that imports only xstate, the machine and itself', () => {
    const outside = layerFiles.flatMap((file) =>
      importsOf(file)
        .map((specifier) => target(file, specifier))
        .filter((to) => !(to === 'xstate' || (to.startsWith('/') && isInLayer(root, to))))
        .map((to) => `${rel(file)} → ${to.startsWith('/') ? rel(to) : to}`),
    );
    expect(outside).toEqual([]);
  });

  it('has a statechart that imports only xstate', () => {
    expect(importsOf(resolve(root, 'machines/session.machine.ts'))).toEqual(['xstate']);
  });

  it('lets the app reach the layer through its index only', () => {
    expect(appFiles.map(rel)).toEqual(expect.arrayContaining(['src/lib/auth-fetch.ts', 'src/main.tsx', 'src/contexts/AuthContext.tsx']));
    const around = appFiles.flatMap((file) =>
      importsOf(file)
        .map((specifier) => target(file, specifier))
        .filter((to) => to.startsWith('/') && isInLayer(root, to) && to !== entry)
        .map((to) => `${rel(file)} → ${rel(to)}`),
    );
    expect(around).toEqual([]);
  });

  it('measures and scans the same files: every module of the folder is part of the public API', () => {
    const reachable = closure(entry);
    expect(layerFiles.filter((file) => !reachable.has(file)).map(rel)).toEqual([]);
  });

  it("type-checks on its own, as copied into an app that has neither Vite's nor Node's types", () => {
    const dir = mkdtempSync(join(tmpdir(), 'layer-alone-'));
    try {
      const compilerOptions = JSON.parse(readFileSync(resolve(root, 'tsconfig.json'), 'utf8')).compilerOptions;
      const config = { compilerOptions: { ...compilerOptions, jsx: undefined, types: [] }, files: [entry] };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
      const tsc = resolve(root, 'node_modules/.bin/tsc');
      let errors = '';
      try {
        execFileSync(tsc, ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
      } catch (failed) {
        errors = `${(failed as { stdout?: string }).stdout}${(failed as { stderr?: string }).stderr}` || String(failed);
      }
      expect(errors).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
