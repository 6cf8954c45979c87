import { delay, http, HttpResponse } from 'msw';
import { limitBody, maxBodyBytes } from './body-limit.ts';
import { readJsonObject, strictString, validationError } from './fastapi-errors.ts';
import { authed, type HandlerContext } from './handler-context.ts';
import { mockAccount, mockAccounts } from './mock-data.ts';

/**
 * FastAPI's auth routes and the slice of Google OAuth the popup needs:
 * `POST /mock-google/authorize` (Google's consent → an authorization code) and
 * `POST /auth/google/callback` (the backend exchanges the code for its JWT).
 * The reference backend (backend/app/routes_auth.py) answers the same.
 *
 * @example
 * setupServer(...authHandlers(ctx));
 */
export function authHandlers(ctx: HandlerContext) {
  const base = ctx.apiBaseUrl;
  return [
    // Up, without a token: the app asks it beside the sign-in popup.
    http.get(`${base}/health`, () => HttpResponse.json({ status: 'ok' })),
    // The validation endpoint: 200 with the user, or 401.
    http.get(
      `${base}/auth/me`,
      authed(ctx, ({ user }) => HttpResponse.json({ id: user.sub, email: user.email, name: user.name, role: user.role })),
    ),
    // Google's side: the code is bound to the sign-in's state, as the real backend binds Google's ID token (its nonce),
    // and to its PKCE challenge if it has one, which FastAPI's login, like this, takes only as S256.
    http.post(`${base}/mock-google/authorize`, async ({ request }) => {
      if (ctx.latencyMs > 0) await delay(ctx.latencyMs);
      const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
      const account = body?.account === undefined ? mockAccount : mockAccounts.find((a) => a.id === body.account);
      if (!account) return HttpResponse.json({ detail: 'No such account' }, { status: 400 });
      if (typeof body?.state !== 'string' || !body.state) return HttpResponse.json({ detail: 'No sign-in state' }, { status: 400 });
      // None from a browser that can keep no verifier (storage blocked): a sign-in as before PKCE.
      const challenge = body.code_challenge ?? null;
      if (challenge !== null && (typeof challenge !== 'string' || !/^[\w-]{43}$/.test(challenge) || body.code_challenge_method !== 'S256'))
        return HttpResponse.json({ detail: 'code_challenge_method must be S256, with its code_challenge' }, { status: 400 });
      return HttpResponse.json({ code: await ctx.auth.issueGoogleCode(account, body.state, challenge), account });
    }),
    // `{ code, state, code_verifier? }`: 422 when malformed, 400 for a bad, expired or used code or state, or not its verifier.
    http.post(
      `${base}/auth/google/callback`,
      limitBody(maxBodyBytes, async ({ request }) => {
        if (ctx.latencyMs > 0) await delay(ctx.latencyMs);
        const body = await readJsonObject(request);
        if ('issue' in body) return validationError(body.issue);
        const code = strictString(body.value, 'code');
        const state = strictString(body.value, 'state');
        const verifier = body.value.code_verifier == null ? { value: undefined } : strictString(body.value, 'code_verifier');
        if ('issue' in code || 'issue' in state || 'issue' in verifier)
          return validationError(...[code, state, verifier].flatMap((f) => ('issue' in f ? [f.issue] : [])));
        const account = await ctx.auth.accountOfGoogleCode(code.value, state.value, verifier.value);
        if (!account) return HttpResponse.json({ detail: 'Invalid or expired Google authorization code' }, { status: 400 });
        // As FastAPI's (RFC 6749 §5.1): an answer carrying a token is kept by no cache.
        return HttpResponse.json(await ctx.auth.issueAccessToken(account), { headers: { 'Cache-Control': 'no-store' } });
      }),
    ),
  ];
}
