import { authFetch } from './auth-api.ts';
import { apiUrl } from './app-config.ts';
import { readJson } from './api-error.ts';

/** One generation batch, as the admin sees it. */
export interface Batch {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  items: number;
  created_at: string;
}

/** One page of batches. */
export interface BatchPage {
  items: Batch[];
  page: number;
  page_size: number;
  total: number;
  pages: number;
}

/**
 * Loads one page of batches. No retry of its own: authFetch holds the call
 * through an expired session and replays it once the user reconnects.
 *
 * @example
 * const { items, pages } = await fetchBatches({ page: 2, pageSize: 10 }, { signal });
 */
export async function fetchBatches(query: { page: number; pageSize: number }, args: { signal?: AbortSignal } = {}): Promise<BatchPage> {
  const params = new URLSearchParams({ page: String(query.page), page_size: String(query.pageSize) });
  return readJson<BatchPage>(await authFetch(apiUrl(`/api/admin/batches?${params}`), { signal: args.signal }), 'Loading batches');
}
