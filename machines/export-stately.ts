// `npm run stately`: writes stately.json and the README's diagram; test/machines/stately-export.test.ts fails on drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sessionMachine } from './session.machine.ts';
import { toMermaid, toStatelyJson } from './stately-definition.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const begin = '<!-- chart:begin (npm run stately) -->';
const end = '<!-- chart:end -->';

export function statelyJsonText(): string {
  return `${JSON.stringify(toStatelyJson(sessionMachine), null, 2)}\n`;
}

export function withDiagram(readme: string): string {
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md needs the markers ${begin} and ${end}`);
  const block = `${begin}\n\`\`\`mermaid\n${toMermaid(sessionMachine)}\n\`\`\`\n`;
  return readme.slice(0, start) + block + readme.slice(stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(`${root}stately.json`, statelyJsonText());
  const readme = readFileSync(`${root}README.md`, 'utf8');
  writeFileSync(`${root}README.md`, withDiagram(readme));
  console.log('wrote stately.json and the README diagram');
}
