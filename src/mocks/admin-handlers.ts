import { http, HttpResponse } from 'msw';
import { authed, type HandlerContext } from './handler-context.ts';
import { mockBatches } from './mock-data.ts';

/**
 * `GET /api/admin/batches?page=&page_size=`: the paginated batches table,
 * admins only (403 for others, 401 without a good token).
 *
 * @example
 * setupServer(...adminHandlers(ctx));
 */
export function adminHandlers(ctx: HandlerContext) {
  return [
    http.get(
      `${ctx.apiBaseUrl}/api/admin/batches`,
      authed(ctx, ({ request, user }) => {
        if (user.role !== 'admin') return HttpResponse.json({ detail: 'Admins only' }, { status: 403 });
        const url = new URL(request.url);
        const pageSize = Math.min(50, Math.max(1, Number(url.searchParams.get('page_size')) || 10));
        const all = mockBatches();
        const pages = Math.max(1, Math.ceil(all.length / pageSize));
        const page = Math.min(pages, Math.max(1, Number(url.searchParams.get('page')) || 1));
        const items = all.slice((page - 1) * pageSize, page * pageSize);
        return HttpResponse.json({ items, page, page_size: pageSize, total: all.length, pages });
      }),
    ),
  ];
}
