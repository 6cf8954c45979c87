import { useSelector } from '@xstate/react';
import { useMemo, useState } from 'react';
import { useAuth } from '../hooks/use-auth.ts';
import { usePolling } from '../hooks/use-polling.ts';
import { getCredits } from '../lib/credits-api.ts';
import { selectBackendUnreachable } from '../lib/session/index.ts';

/**
 * The signed-in user's credit balance, refreshed every 15 s, whenever
 * `refreshKey` changes, at once when another account signs in, and when the
 * backend answers again after a call found it unreachable. "unavailable" while none could be loaded.
 *
 * @example
 * <CreditsBadge refreshKey={generations} />
 */
export function CreditsBadge({ refreshKey }: { refreshKey: unknown }) {
  // A reconnect as someone else keeps the page: the balance on it must be theirs, not the last account's.
  const { account, session } = useAuth();
  // A Generate cut off offline may have been paid for, and its words send the user here once back: not the balance from before.
  // Back is the backend answering after word it could not be reached, whatever the session showed meanwhile (the banner, say).
  const unreachable = useSelector(session.actor, selectBackendUnreachable);
  const [spell, setSpell] = useState({ unreachable, backs: 0 });
  if (spell.unreachable !== unreachable) setSpell({ unreachable, backs: spell.backs + (unreachable ? 0 : 1) });
  const refresh = useMemo(() => [refreshKey, spell.backs], [refreshKey, spell.backs]);
  const { data, error } = usePolling((signal) => getCredits({ signal }), { intervalMs: 15_000, key: account, refresh });
  // Atomic: only the number changes, and a bare "24" would be read out.
  // Failed with none on screen: "…" would read as loading until the next ask, 15 s on.
  return (
    <span className="badge" aria-live="polite" aria-atomic="true">
      Credits: {data ? data.balance : error ? 'unavailable' : '…'}
    </span>
  );
}
