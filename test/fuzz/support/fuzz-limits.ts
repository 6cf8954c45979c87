/**
 * The session's budgets and deadlines in the fuzz: short enough that a run's
 * ticks reach each of them, and the oracle's own reading of them.
 */
export const limits = {
  validationRetries: 2,
  validationBackoffMs: 1_000,
  reauthAttempts: 2,
  reauthCooldownMs: 30_000,
  reauthTimeoutMs: 120_000,
};
export const validationTimeoutMs = 5_000;
/** A check's deadline when `failures` of its spell came before it: twice as long after each, up to 30 s. */
export const validationDeadlineMs = (failures: number) =>
  Math.min(validationTimeoutMs * 2 ** failures, Math.max(validationTimeoutMs, 30_000));
/** How long before `exp` a token counts as expiring. */
export const leadMs = 60_000;
/** How long before `exp` the reminder asks someone using the page. */
export const remindBeforeMs = 120_000;
/** How long the tokens the backend issues are good for. */
export const lifetimeMs = 10 * 60_000;
/**
 * How far the session's idea of the backend's clock may be off once it has read a `Date` header: the header
 * is to the second (±500 ms around the middle the session assumes), and a change under a second is not reported.
 */
export const dateHeaderPrecisionMs = 1_500;
/** How the backend's clock stands to this tab's in a run (backend minus tab): most runs agree. */
export const skews = [0, 0, 0, 90_000, -90_000] as const;
/** How far the backend's clock may jump mid-run, either way: seconds, past the notice's 30 s, minutes, an hour. */
export const clockJumps = [2_000, 40_000, 10 * 60_000, 60 * 60_000] as const;
