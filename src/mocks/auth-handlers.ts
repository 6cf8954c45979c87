import { delay, http, HttpResponse } from 'msw';
import { authed, type HandlerContext } from './handler-context.ts';
import { mockAccount, mockAccounts } from './mock-data.ts';

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
    // The account chosen on the consent page (`{ account: id }`; Ada when none is named).
    http.post(`${base}/mock-google/authorize`, async ({ request }) => {
      if (ctx.latencyMs > 0) await delay(ctx.latencyMs);
      const body = (await request.json().catch(() => null)) as { account?: unknown } | null;
      const account = body?.account === undefined ? mockAccount : mockAccounts.find((a) => a.id === body.account);
      if (!account) return HttpResponse.json({ detail: 'No such account' }, { status: 400 });
      return HttpResponse.json({ code: await ctx.auth.issueGoogleCode(account), account });
    }),
    http.post(`${base}/auth/google/callback`, async ({ request }) => {
      if (ctx.latencyMs > 0) await delay(ctx.latencyMs);
      const body = (await request.json().catch(() => null)) as { code?: unknown } | null;
      const account = await ctx.auth.accountOfGoogleCode(body?.code);
      if (!account) return HttpResponse.json({ detail: 'Invalid or expired Google authorization code' }, { status: 400 });
      return HttpResponse.json(await ctx.auth.issueAccessToken(account));
    }),
  ];
}
