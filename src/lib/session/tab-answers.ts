import { attempt } from './attempt.ts';
import type { TabLocks } from './tab-locks.ts';
import { readTokenClaims } from './token-claims.ts';

/** A validation answer as the tabs share it: keyed by a hash, so the token itself is not written again. */
interface Answer {
  key: string;
  valid: boolean;
  at: number;
}

/** FNV-1a: enough to tell one token from another, nothing more. */
function keyOf(token: string | null): string {
  let hash = 0x811c9dc5;
  // Stryker disable next-line StringLiteral: no token keys alike either way; only '' or the filler could share its key, and neither is header-safe, so never validated
  for (const char of token ?? '') hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return (hash >>> 0).toString(36);
}

/**
 * True once the token's `exp` has passed on the backend's clock (this one plus `offsetMs`): a yes from before would
 * replay a call that met the 401 at exp into another.
 */
function hasExpired(token: string | null, now: number, offsetMs: number): boolean {
  const { exp } = readTokenClaims(token);
  return typeof exp === 'number' && now + offsetMs >= exp * 1000;
}

/** A shared answer as written, or nothing for text that is none (cut short, another version's). */
const parse = (text: string | null | undefined) => attempt(() => JSON.parse(text ?? 'null') as Answer | null);

/** The last validation answers, as every tab of the app sees them. */
export interface SharedAnswers {
  /**
   * What a tab last answered for `token`, or null: ask the backend. `offsetMs`: the backend's clock minus this one; a yes
   * is taken only if given at `since` or later (the 401 that asks again may be newer than an older yes), and with
   * `probing` (the backend was said unreachable) any answer only if given after `since`.
   */
  read(token: string | null, offsetMs?: number, since?: number, probing?: boolean): Promise<boolean | null>;
  /** Shares the answer for `token`; resolves once a tab granted the validation lock next is sure to find it. */
  write(token: string | null, valid: boolean): Promise<void>;
}

/**
 * Validation answers shared by the tabs: in `storage` and, when there are
 * locks, as the name of a lock held for `ttl` (then storage has it). For localStorage reaches the
 * other tabs a moment after it is written: in Chromium a tab granted the
 * validation lock just after the tab that answered released it read the old
 * value about one time in three, and validated again. The lock manager is the
 * one place every tab sees in the same order as the locks themselves.
 *
 * @example
 * const answers = createSharedAnswers({ name: 'app', ttl: 5_000, locks: navigator.locks, storage: localStorage });
 * const valid = (await answers.read(token)) ?? (await askBackend(token));
 */
export function createSharedAnswers(options: {
  name: string;
  ttl: number;
  locks?: TabLocks;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** The connected session's time (its test clock too), or Date.now(): answers are dated and aged on it. */
  now?: () => number;
}): SharedAnswers {
  const { ttl, locks, storage } = options;
  const now = options.now ?? Date.now;
  const storageKey = `${options.name}:validated`;
  const lockPrefix = `${options.name}:answer:`;
  // A rejected token stays rejected (a JWT does not revive); an accepted one may be revoked: reused for `ttl`, never past exp.
  // An answer from the future (the clock was set back since) has no age we can tell: not reused, or it would be for hours.
  // Asking whether the backend is there, only an answer given after that began says so, a no too (one of the same instant was asked before).
  const usable = (answer: Answer | null | undefined, key: string, expired: boolean, since: number, probing: boolean): answer is Answer =>
    answer?.key === key &&
    typeof answer.valid === 'boolean' &&
    (!probing || answer.at > since) &&
    (!answer.valid || (isFresh(now() - answer.at) && answer.at >= since && !expired));
  const isFresh = (ageMs: number) => ageMs >= 0 && ageMs < ttl;

  return {
    async read(token, offsetMs = 0, since = Number.NEGATIVE_INFINITY, probing = false) {
      const key = keyOf(token);
      // Stryker disable next-line ArrayDeclaration: a string in place of a lock has no `name`, so it maps to null like no lock
      const held = locks ? ((await locks.query().catch(() => undefined))?.held ?? []) : [];
      const answers = [
        // Stryker disable next-line OptionalChaining: without storage, attempt catches the TypeError and gives undefined alike
        parse(attempt(() => storage?.getItem(storageKey))),
        ...held.map(({ name }) => (name?.startsWith(lockPrefix) ? parse(name.slice(lockPrefix.length)) : null)),
      ];
      const expired = hasExpired(token, now(), offsetMs);
      return answers.filter((answer) => usable(answer, key, expired, since, probing)).sort((a, b) => b.at - a.at)[0]?.valid ?? null;
    },
    async write(token, valid) {
      const answer = JSON.stringify({ key: keyOf(token), valid, at: now() } satisfies Answer);
      // Full (QuotaExceededError) or refused: the locks still share it, and this tab has its answer either way.
      // Stryker disable next-line OptionalChaining: without storage, attempt catches the TypeError and writes nothing alike
      attempt(() => storage?.setItem(storageKey, answer));
      if (!locks) return;
      // Held before the validation lock is released (the caller waits for the grant); a name of its own, so never waited for.
      await new Promise<void>((granted) => {
        locks
          .request(lockPrefix + answer, { ifAvailable: true }, () => {
            granted();
            return new Promise((over) => setTimeout(over, ttl));
          })
          .catch(() => granted());
      });
    },
  };
}
