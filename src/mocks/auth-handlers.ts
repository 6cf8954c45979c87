import { delay, http, HttpResponse } from 'msw';
import { authed, type HandlerContext } from './handler-context.ts';
import { mockAccount } from './mock-data.ts';

/**
 * FastAPI's auth routes and the slice of Google OAuth the popup needs:
 * `POST /mock-google/authorize` (Google's consent → an authorization code) and
 * `POST /auth/google/callback` (the backend exchanges the code for its JWT).
 *
 * @example
 * setupServer(...authHandlers(ctx));
 */
export function authHandlers(ctx: HandlerContext) {
  const base = ctx.apiBaseUrl;
  return [
    // The validation endpoint: 200 with the user, or 401.
    http.get(
      `${base}/auth/me`,
      authed(ctx, ({ user }) => HttpResponse.json({ id: user.sub, email: user.email, name: user.name, role: user.role })),
    ),
    http.post(`${base}/mock-google/authorize`, async () => {
      if (ctx.latencyMs > 0) await delay(ctx.latencyMs);
      return HttpResponse.json({ code: await ctx.auth.issueGoogleCode(), account: mockAccount });
    }),
    http.post(`${base}/auth/google/callback`, async ({ request }) => {
      if (ctx.latencyMs > 0) await delay(ctx.latencyMs);
      const body = (await request.json().catch(() => null)) as { code?: unknown } | null;
      if (!(await ctx.auth.isGoogleCode(body?.code))) {
        return HttpResponse.json({ detail: 'Invalid or expired Google authorization code' }, { status: 400 });
      }
      return HttpResponse.json(await ctx.auth.issueAccessToken());
    }),
  ];
}
