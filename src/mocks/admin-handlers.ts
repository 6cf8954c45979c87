import { http, HttpResponse } from 'msw';
import { integerQuery, validationError } from './fastapi-errors.ts';
import { authed, type HandlerContext } from './handler-context.ts';
import { mockBatches } from './mock-data.ts';

/**
 * `GET /api/admin/batches?page=&page_size=`: the paginated batches table,
 * admins only (403 for others, 401 without a good token, 422 for a page that is not an integer).
 *
 * @example
 * setupServer(...adminHandlers(ctx));
 */
export function adminHandlers(ctx: HandlerContext) {
  return [
    http.get(
      `${ctx.apiBaseUrl}/api/admin/batches`,
      authed(ctx, ({ request, user }) => {
        // FastAPI checks the query before the route runs: a 422 comes before the 403.
        const url = new URL(request.url);
        const asked = { page: integerQuery(url, 'page', 1), pageSize: integerQuery(url, 'page_size', 10) };
        if ('issue' in asked.page || 'issue' in asked.pageSize) {
          return validationError(...[asked.page, asked.pageSize].flatMap((q) => ('issue' in q ? [q.issue] : [])));
        }
        if (user.role !== 'admin') return HttpResponse.json({ detail: 'Admins only' }, { status: 403 });
        // Out-of-range values are clamped, 0 meaning the default.
        const pageSize = Math.min(50, Math.max(1, asked.pageSize.value || 10));
        const all = mockBatches();
        const pages = Math.max(1, Math.ceil(all.length / pageSize));
        const page = Math.min(pages, Math.max(1, asked.page.value || 1));
        const items = all.slice((page - 1) * pageSize, page * pageSize);
        return HttpResponse.json({ items, page, page_size: pageSize, total: all.length, pages });
      }),
    ),
  ];
}
