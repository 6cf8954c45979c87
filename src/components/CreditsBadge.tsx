import { useAuth } from '../hooks/use-auth.ts';
import { usePolling } from '../hooks/use-polling.ts';
import { getCredits } from '../lib/credits-api.ts';

/**
 * The signed-in user's credit balance, refreshed every 15 s, whenever
 * `refreshKey` changes, and at once when another account signs in.
 *
 * @example
 * <CreditsBadge refreshKey={generations} />
 */
export function CreditsBadge({ refreshKey }: { refreshKey: unknown }) {
  // A reconnect as someone else keeps the page: the balance on it must be theirs, not the last account's.
  const { account } = useAuth();
  const { data } = usePolling((signal) => getCredits({ signal }), { intervalMs: 15_000, key: account, refresh: refreshKey });
  // Atomic: only the number changes, and a bare "24" would be read out.
  return (
    <span className="badge" aria-live="polite" aria-atomic="true">
      Credits: {data ? data.balance : '…'}
    </span>
  );
}
