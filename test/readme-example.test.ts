/** @vitest-environment node */
import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { expect, it } from 'vitest';
import { quickStart } from '../examples/quick-start.ts';
import { serveForTests } from './support/msw-server.ts';

const API = 'https://api.example.com';
const accepted = (request: Request) => request.headers.get('authorization') === 'Bearer fresh-token';
serveForTests(
  http.get(`${API}/auth/me`, ({ request }) => HttpResponse.json({}, { status: accepted(request) ? 200 : 401 })),
  http.get(`${API}/api/credits`, ({ request }) =>
    accepted(request) ? HttpResponse.json({ credits: 42 }) : HttpResponse.json({}, { status: 401 }),
  ),
);

it("runs the README's example as written: held on expiry, replayed after reconnect", async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/quick-start.ts', import.meta.url), 'utf8');
  expect(readme, 'README shows examples/quick-start.ts verbatim').toContain(example);
  expect(await quickStart(async () => 'fresh-token')).toEqual({ credits: 42 });
});
