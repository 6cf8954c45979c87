import { useEffect, useRef, useState } from 'react';
import { describeProblem } from '../lib/problem-text.ts';
import { useAuth } from '../hooks/use-auth.ts';
import { useFocusWhenGone } from '../hooks/use-focus-when-gone.ts';
import { useTabDraft } from '../hooks/use-tab-draft.ts';
import { fetchBatches, type BatchPage } from '../lib/admin-batches-api.ts';
import { ApiError, isAbortError } from '../lib/api-error.ts';

const pageSize = 10;

/** A page the backend can be asked for: it refuses one that is no whole number (a garbled one kept for the tab). */
const isPageNumber = (page: number) => Number.isSafeInteger(page) && page >= 1;

/**
 * `/admin/batches`: a paginated table of generation batches. No retry of its
 * own: through an expired session, the page's request is held by authFetch
 * and completes after the reconnect; the rows on screen stay put meanwhile.
 * A reload of the tab comes back to the same page. Another account signing in (a reconnect as someone
 * else, another tab) loads the first page as them: the rows the last account was allowed to see go.
 */
export function AdminBatches() {
  const { account } = useAuth();
  const [page, setPage] = useTabDraft<number>('admin.page', 1, isPageNumber);
  // Another account starts from the first page: the last one's place in the list is not theirs (a member has no page 2).
  const [pagedFor, setPagedFor] = useState(account);
  if (pagedFor !== account) {
    setPagedFor(account);
    setPage(1);
  }
  // The rows with the account they were loaded for: never shown to another.
  // `presses`: the count it was asked at, so that a later press asks again for the page on screen too.
  const [loaded, setLoaded] = useState<{ account: string | null; rows: BatchPage; presses: number } | null>(null);
  const data = loaded?.account === account ? loaded.rows : null;
  const [loading, setLoading] = useState(true);
  // What went wrong with the account it went wrong for: Ada's failure is not Grace's, whose own page is loading.
  // `count`: each failure is new, the same words again too (a Try again that fails as before).
  // `refused`: a 403 (a member), which asking again as the same account only gets again.
  const [failed, setFailed] = useState<{ account: string | null; text: string | null; count: number; refused: boolean } | null>(null);
  const problem = failed?.account === account ? failed.text : null;
  // Each press of Next, Previous or Try again asks anew: the page asked for may be the one that failed to load.
  const [presses, setPresses] = useState(0);
  // From the page on screen, not the one asked for: the backend clamps a page past the last (a page kept
  // from before a reload), and a page that failed to load (the connection dropped) was never shown.
  const go = (by: number) => {
    setPage((p) => (data ? data.page : p) + by);
    setPresses((n) => n + 1);
  };

  const previousOff = loading || (data ? data.page : page) <= 1;
  const nextOff = loading || data === null || data.page >= data.pages;

  useEffect(() => {
    // Already on screen: the page the backend clamped the one asked for to, now kept as the page.
    // Back to it from another account's load (given up): it is what shows, so nothing is loading.
    if (loaded?.account === account && loaded.rows.page === page && loaded.presses === presses) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    fetchBatches({ page, pageSize }, { signal: controller.signal }).then(
      (next) => {
        // Given up (another account, another page): its page number is not the one to keep.
        if (controller.signal.aborted) return;
        setLoaded({ account, rows: next, presses });
        // Past the last page, the backend answers with the last: keep that one, for a reload and the pager.
        setPage(next.page);
        setFailed(null);
        setLoading(false);
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbortError(error)) return;
        const refused = error instanceof ApiError && error.status === 403;
        setFailed((last) => ({ account, text: describeProblem(error), count: (last?.count ?? 0) + 1, refused }));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [page, account, presses, loaded, setPage]);

  // None for a 403 (a member): asked again, it would only be refused again.
  const offerTryAgain = problem !== null && !failed?.refused;
  const problemLine = useRef<HTMLParagraphElement>(null);
  const table = useRef<HTMLTableElement>(null);
  // Its answer came (a 403, the rows): the button goes from under the keyboard, which goes on from what it brought.
  useFocusWhenGone(offerTryAgain, () => problemLine.current ?? table.current);

  return (
    <main className="admin">
      <h1>Batches</h1>
      {/* Mounted, empty while all is well, so that a failure is read out: Next pressed from the keyboard comes back silent. */}
      {/* A new line at each failure, so that the same words are read out again: the press did something. */}
      <div role="status">
        {problem ? (
          <p key={failed?.count} ref={problemLine} className="problem">
            {problem}
          </p>
        ) : null}
      </div>
      {/* Asks for the same page again: with no rows on screen (the first load failed), Next and Previous cannot. */}
      {/* Up until an answer comes, busy meanwhile: gone under the keyboard, it would drop focus to the page. */}
      {offerTryAgain ? (
        <button
          type="button"
          className="link-button"
          onClick={() => loading || setPresses((n) => n + 1)}
          aria-disabled={loading || undefined}
        >
          Try again
        </button>
      ) : null}
      <table ref={table} aria-busy={loading}>
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
        {/* Busy or at an end, they stay focusable (aria-disabled, a press ignored): a button turned `disabled` under
            the keyboard drops focus to the page, and the next Tab starts from the top. */}
        <button type="button" onClick={() => previousOff || go(-1)} aria-disabled={previousOff || undefined}>
          Previous
        </button>
        {/* The page whose rows are shown; the one asked for, while it loads. Read whole: "· loading page 2…" alone says no page. */}
        <span aria-live="polite" aria-atomic="true">
          {/* Failed before any rows came (a member's 403): no "of …", which reads as loading. */}
          {data ? `Page ${data.page} of ${data.pages}` : loading ? `Page ${page} of …` : `Page ${page}`}
          {loading && data ? (data.page === page ? ' · loading…' : ` · loading page ${page}…`) : ''}
        </span>
        <button type="button" onClick={() => nextOff || go(1)} aria-disabled={nextOff || undefined}>
          Next
        </button>
      </div>
    </main>
  );
}
