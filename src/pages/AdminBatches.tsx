import { useEffect, useState } from 'react';
import { describeProblem } from '../lib/problem-text.ts';
import { useAuth } from '../hooks/use-auth.ts';
import { useTabDraft } from '../hooks/use-tab-draft.ts';
import { fetchBatches, type BatchPage } from '../lib/admin-batches-api.ts';
import { isAbortError } from '../lib/api-error.ts';

const pageSize = 10;

/**
 * `/admin/batches`: a paginated table of generation batches. No retry of its
 * own: through an expired session, the page's request is held by authFetch
 * and completes after the reconnect; the rows on screen stay put meanwhile.
 * A reload of the tab comes back to the same page. Another account signing in (a reconnect as someone
 * else, another tab) loads the page again as them: the rows the last account was allowed to see go.
 */
export function AdminBatches() {
  const { account } = useAuth();
  const [page, setPage] = useTabDraft('admin.page', 1);
  // The rows with the account they were loaded for: never shown to another.
  const [loaded, setLoaded] = useState<{ account: string | null; rows: BatchPage } | null>(null);
  const data = loaded?.account === account ? loaded.rows : null;
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setProblem(null);
    fetchBatches({ page, pageSize }, { signal: controller.signal }).then(
      (next) => {
        setLoaded({ account, rows: next });
        setLoading(false);
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbortError(error)) return;
        setProblem(describeProblem(error));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [page, account]);

  return (
    <main className="admin">
      <h1>Batches</h1>
      {problem ? <p className="problem">{problem}</p> : null}
      <table aria-busy={loading}>
        {/* Failed before any rows came (a member's 403): the problem above says why; nothing is loading. */}
        <caption>{data ? `${data.total} batches` : loading ? 'Loading batches…' : 'No batches to show'}</caption>
        <thead>
          <tr>
            <th scope="col">Batch</th>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Items</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((batch) => (
            <tr key={batch.id}>
              <td>
                <code>{batch.id}</code>
              </td>
              <td>{batch.name}</td>
              <td>{batch.status}</td>
              <td>{batch.items}</td>
              <td>{new Date(batch.created_at).toLocaleDateString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        {/* Back from the last page there is: the backend clamps a page past it (a page kept from before a reload). */}
        <button type="button" onClick={() => setPage((p) => Math.min(p, data?.pages ?? p) - 1)} disabled={loading || page <= 1}>
          Previous
        </button>
        {/* The page whose rows are shown; the one asked for, while it loads. */}
        <span aria-live="polite">
          {data ? `Page ${data.page} of ${data.pages}` : `Page ${page} of …`}
          {loading && data ? (data.page === page ? ' · loading…' : ` · loading page ${page}…`) : ''}
        </span>
        <button type="button" onClick={() => setPage((p) => p + 1)} disabled={loading || data === null || page >= data.pages}>
          Next
        </button>
      </div>
    </main>
  );
}
