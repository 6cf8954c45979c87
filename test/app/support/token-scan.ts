import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One place where app code touches the token or calls fetch on its own. */
export interface TokenLeak {
  file: string;
  line: number;
  rule: string;
  text: string;
}

const rules: { rule: string; pattern: RegExp }[] = [
  { rule: 'sets an Authorization header', pattern: /\bAuthorization\b|\bBearer\s/i },
  { rule: 'calls fetch directly', pattern: /(?<![\w$.])fetch\s*\(|\b(?:globalThis|window|self)\s*\.\s*fetch\b/ },
  { rule: 'reads web storage', pattern: /\b(?:localStorage|sessionStorage)\b/ },
  { rule: 'reads the token', pattern: /\bgetToken\s*\(/ },
];

/** Blanks comments (keeping line numbers) so TSDoc examples are not mistaken for code. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

/**
 * Every line of `source` that breaks a rule.
 *
 * @example
 * findTokenLeaks('a.ts', "fetch(url, { headers: { Authorization: t } })"); // two leaks
 */
export function findTokenLeaks(file: string, source: string): TokenLeak[] {
  const leaks: TokenLeak[] = [];
  stripComments(source)
    .split('\n')
    .forEach((text, index) => {
      for (const { rule, pattern } of rules) if (pattern.test(text)) leaks.push({ file, line: index + 1, rule, text: text.trim() });
    });
  return leaks;
}

/** Every .ts/.tsx file under `dir`. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `entry` and every local module it imports, transitively: the core behind authFetch. */
export function importClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)) {
      visit(resolve(dirname(file), match[1]!));
    }
  };
  visit(resolve(entry));
  return seen;
}

/** Paths relative to `root`, for readable failures. */
export function relativeTo(root: string, files: Iterable<string>): string[] {
  return [...files].map((file) => relative(root, file));
}
