import type { FakeBackend } from '../support/fake-backend.ts';
import { timerOf, type ModelEvent } from './model-events.ts';

/** The client's expiry lead and reminder, as the real system is configured: the reminder comes first. */
export const leadMs = 60_000;
export const remindBeforeMs = 120_000;
const hourMs = 3_600_000;
/** A token kept for `quiet` must outlast the path's next minutes (a reminder is then never near). */
const freshForMs = 30 * 60_000;

/**
 * The session's tokens: JWTs for one account, each minted with its `exp` on the backend's clock, or with
 * none. `offset` is the backend's clock minus this tab's, as the chart reads it from `Date` headers.
 */
export function createTokens(backend: FakeBackend, offset: () => number) {
  const exps = new Map<string | null, number | null>();
  let minted = 0;
  const serverAt = (local: number) => local + offset();
  const expOf = (token: string | null) => exps.get(token) ?? null;

  function mint(expMs: number | null): string {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${part({ alg: 'HS256' })}.${part({ sub: 'ada', n: ++minted, ...(expMs !== null && { exp: expMs / 1000 }) })}.sig`;
    exps.set(token, expMs);
    backend.valid.add(token);
    return token;
  }
  /** Expiring by its `exp` at `local` (trust from a validation only comes on top, and timers already count it). */
  const expiringAt = (token: string | null, local: number) => (expOf(token) ?? Infinity) - leadMs <= serverAt(local);
  const dueAt = (token: string | null, local: number) => (expOf(token) ?? Infinity) - remindBeforeMs <= serverAt(local);

  /** The token to hold when a step arms `active.quiet`'s timers, so that the path's next timer fires first. */
  function forQuiet(current: string | null, at: number, next: ModelEvent | undefined, pendingExpiry?: number): string {
    const source = next && timerOf(next)?.source;
    const wants = source === 'session.active' ? 'expiry' : source === 'session.active.quiet' ? 'reminder' : 'either';
    const exp = expOf(current);
    // Only `quiet` armed again (a reminder not due): the expiry timer stays at `pendingExpiry`.
    if (pendingExpiry !== undefined) {
      if (wants !== 'reminder') return mint(serverAt(at) + hourMs);
      if (pendingExpiry - at <= 1_000) throw new Error('no room for a reminder before the armed expiry timer');
      return mint(serverAt(pendingExpiry) + remindBeforeMs - 1_000);
    }
    // Armed together the reminder fires first, unless there is no `exp`: then the expiry timer, armed first, does.
    if (wants === 'expiry') return current !== null && exps.has(current) && exp === null ? current : mint(null);
    if (exp !== null ? exp - serverAt(at) >= freshForMs : wants === 'either' && exps.has(current)) return current!;
    return mint(serverAt(at) + hourMs);
  }

  /** The token to hold on entering `reauthenticating.renewing`, so that the path's next timer (expiry or deadline) fires first. */
  function forRenewing(current: string | null, at: number, next: ModelEvent | undefined, reauthTimeoutMs: number): string {
    const delay = next && timerOf(next)?.delay;
    const exp = expOf(current);
    const untilExpiring = exp === null ? Infinity : exp - leadMs - serverAt(at);
    if (delay === 'reauthTimeout') return untilExpiring > reauthTimeoutMs + 1_000 ? current! : mint(serverAt(at) + hourMs);
    if (untilExpiring > 2_000 && (delay !== 'untilExpiring' || untilExpiring < reauthTimeoutMs - 1_000)) return current!;
    return mint(serverAt(at) + leadMs + reauthTimeoutMs / 2);
  }

  /** `token`, unless it is `current`: then a new token that expires when it does (another tab's renewal, say). */
  const replaced = (token: string | null, current: string | null) => (token === current ? mint(expOf(current)) : token!);

  /**
   * `token`, unless it expires when `last` does: then one that does not (another tab's, which a "Not now" said for
   * `last` is not about). For none, one far past any timer's longest wait, which acts as none.
   */
  const another = (token: string | null, last: string | null, at: number) =>
    expOf(token) !== expOf(last) ? token! : mint(expOf(last) === null ? serverAt(at) + 2 ** 32 : expOf(last)! + 1_000);

  return { mint, expOf, serverAt, expiringAt, dueAt, forQuiet, forRenewing, replaced, another };
}

export type Tokens = ReturnType<typeof createTokens>;
