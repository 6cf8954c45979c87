import { usePolling } from '../hooks/use-polling.ts';
import { getCredits } from '../lib/credits-api.ts';

/**
 * The credit balance, refreshed every 15 s and whenever `refreshKey` changes.
 *
 * @example
 * <CreditsBadge refreshKey={generations} />
 */
export function CreditsBadge({ refreshKey }: { refreshKey: unknown }) {
  const { data } = usePolling((signal) => getCredits({ signal }), { intervalMs: 15_000, key: refreshKey });
  return (
    <span className="badge" aria-live="polite">
      Credits: {data ? data.balance : '…'}
    </span>
  );
}
