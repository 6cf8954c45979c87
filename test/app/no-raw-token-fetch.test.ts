/** @vitest-environment node */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInLayer } from '../../bench/size/session-layer.ts';
import { findTokenLeaks, relativeTo, sourceFiles } from './support/token-scan.ts';

const root = resolve(import.meta.dirname, '../..');
const src = resolve(root, 'src');

// The layer, auth-api.ts, token-storage.ts and the mock backend (the server side) handle the token; use-tab-draft.ts
// only its own drafts, code-verifier-store.ts only the sign-in's PKCE verifiers.
const allowed = (file: string) =>
  isInLayer(root, file) ||
  file === resolve(src, 'lib/auth-api.ts') ||
  file === resolve(src, 'lib/code-verifier-store.ts') ||
  file === resolve(src, 'lib/token-storage.ts') ||
  file.startsWith(`${resolve(src, 'mocks')}/`) ||
  (file === resolve(src, 'hooks/use-tab-draft.ts') && !/\blocalStorage\b/.test(readFileSync(file, 'utf8')));

describe('the source tree', () => {
  it('has no module besides auth-api.ts, token-storage.ts and the core that touches the token or calls fetch with it', () => {
    const scanned = sourceFiles(src).filter((file) => !allowed(file));
    expect(relativeTo(root, scanned)).toEqual(expect.arrayContaining(['src/lib/credits-api.ts', 'src/contexts/AuthContext.tsx']));
    const leaks = scanned.flatMap((file) => findTokenLeaks(relativeTo(root, [file])[0]!, readFileSync(file, 'utf8')));
    expect(leaks).toEqual([]);
  });

  it('sends every API call of the app through authFetch', () => {
    const modules = [
      'lib/credits-api.ts',
      'lib/jewelry-generate-api.ts',
      'lib/temporal-api.ts',
      'lib/microservices-api.ts',
      'lib/admin-batches-api.ts',
      'hooks/use-image-validation.ts',
    ];
    for (const module of modules) expect(readFileSync(resolve(src, module), 'utf8'), module).toMatch(/\bauthFetch\(/);
  });

  it('flags raw token fetches, and not authFetch or comments', () => {
    const bad = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a line of source for the scan to read, template and all.
      "await fetch('/api/credits', { headers: { Authorization: `Bearer ${token}` } });",
      'const r = await window.fetch(url);',
      "const token = localStorage.getItem('quiet-session.token');",
      'const t = tokens.getToken();',
    ].join('\n');
    expect(findTokenLeaks('bad.ts', bad).map((leak) => `${leak.line}:${leak.rule}`)).toEqual([
      '1:sets an Authorization header',
      '1:calls fetch directly',
      '2:calls fetch directly',
      '3:reads web storage',
      '4:reads the token',
    ]);
    const good = [
      "await authFetch(apiUrl('/api/credits'));",
      "// fetch('/x', { headers: { Authorization: 'Bearer t' } })",
      'const send = options.fetch;',
    ].join('\n');
    expect(findTokenLeaks('good.ts', good)).toEqual([]);
  });
});
