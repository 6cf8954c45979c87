import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { useAuth } from './use-auth.ts';

/** One record a tab: whose drafts they are, and the drafts by name. */
interface TabDrafts {
  account: string;
  values: Record<string, unknown>;
}

const key = 'quiet-session.drafts';

/** sessionStorage: this tab's, kept across reloads, gone with the tab. Absent or full, drafts live in memory only. */
function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

function read(): TabDrafts | null {
  try {
    const drafts = JSON.parse(storage()?.getItem(key) ?? 'null') as TabDrafts | null;
    return typeof drafts?.account === 'string' && typeof drafts.values === 'object' && drafts.values !== null ? drafts : null;
  } catch {
    return null;
  }
}

function write(drafts: TabDrafts | null): void {
  try {
    if (drafts) storage()?.setItem(key, JSON.stringify(drafts));
    else storage()?.removeItem(key);
  } catch {
    // Full or refused: the draft is still on screen, it just will not survive a reload.
  }
}

/**
 * Forgets this tab's drafts unless they are `account`'s: the user signed out here (null), or another
 * account signed in. Another tab signing out is not a reason: the same account may come back.
 *
 * @example
 * signOut: () => { keepTabDraftsOf(null); tokens.clear(); }
 */
export function keepTabDraftsOf(account: string | null): void {
  if (account === null || read()?.account !== account) write(null);
}

/**
 * A piece of what the user is doing (a prompt, a page number) that survives a reload of the tab, expired
 * session or not: `useState`, kept in sessionStorage for the signed-in account. A draft comes back only
 * for the account that left it. What is on screen stays on screen; the stored copy follows whoever is
 * signed in now.
 *
 * `accepts` says which stored values of the right type are still of use (a page number that is a whole one).
 *
 * @example
 * const [prompt, setPrompt] = useTabDraft('studio.prompt', '');
 */
export function useTabDraft<T>(name: string, initial: T, accepts: (stored: T) => boolean = () => true): [T, Dispatch<SetStateAction<T>>] {
  const { account } = useAuth();
  const [value, setValue] = useState<T>(() => {
    const drafts = read();
    const stored = drafts?.account === account ? drafts.values[name] : undefined;
    // Of another type (an old version of the app, a hand edit): not ours to trust.
    return stored !== undefined && typeof stored === typeof initial && accepts(stored as T) ? (stored as T) : initial;
  });
  useEffect(() => {
    if (account === null) return;
    const drafts = read();
    const values = drafts?.account === account ? drafts.values : {};
    write({ account, values: { ...values, [name]: value } });
  }, [account, name, value]);
  return [value, setValue];
}
