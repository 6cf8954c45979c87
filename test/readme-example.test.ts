/** @vitest-environment node */
import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { expect, it, onTestFinished } from 'vitest';
import { quickStart } from '../examples/quick-start.ts';
import { serveForTests } from './support/msw-server.ts';

const API = 'https://api.example.com';
const accepted = (request: Request) => request.headers.get('authorization') === 'Bearer fresh-token';
const server = serveForTests(
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

it("asks again after a server error rather than asking the user to sign in: validate's contract", async () => {
  const seen: string[] = [];
  server.use(
    http.get(
      `${API}/auth/me`,
      () => {
        seen.push('/auth/me 503');
        return HttpResponse.json({ detail: 'Service Unavailable' }, { status: 503 });
      },
      { once: true },
    ),
  );
  const onResponse = ({ request, response }: { request: Request; response: Response }) => {
    if (new URL(request.url).pathname === '/auth/me' && response.status !== 503) seen.push(`/auth/me ${response.status}`);
  };
  server.events.on('response:mocked', onResponse);
  onTestFinished(() => server.events.removeListener('response:mocked', onResponse));
  const credits = await quickStart(async () => {
    seen.push('sign-in');
    return 'fresh-token';
  });
  expect(credits).toEqual({ credits: 42 });
  // A 503 says nothing about the token (decision 0006): asked again, and only its 401 asks the user.
  // The sign-in's token is asked about too (0024), before the held call goes with it.
  expect(seen).toEqual(['/auth/me 503', '/auth/me 401', 'sign-in', '/auth/me 200']);
});
