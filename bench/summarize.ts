import { blockRatios } from './hot-ratios.ts';
import type { BodiesData, HeldData, HotPathData, StormData } from './scenarios/types.ts';

export type ScenarioId = 'S1' | 'S2' | StormId | 'S4' | 'S5';

/** The storms: S3 with the token revoked before its `exp`, S3e with its `exp` passed. */
export const STORM_IDS = ['S3', 'S3e'] as const;
export type StormId = (typeof STORM_IDS)[number];

/** One storm scenario over all its rounds. */
export interface StormSummary {
  validate: [number, number];
  reauth: [number, number];
  worstOk: number;
  requests: number;
  allCorrect: boolean;
  drainMs: number;
  /** Drain time by round (slice), to pair contenders that ran the same storm a moment apart. */
  drainByRound: Record<number, number>;
  /** Median over the storms of requests that reached the API with the dead token (and were answered 401). */
  stale: number;
}

/** One scenario, one contender, one round. */
export interface RoundRecord {
  round: number;
  scenario: ScenarioId;
  contender: string;
  data: HotPathData | StormData | HeldData | BodiesData;
  failures: string[];
  /** Wall time of the whole step, setup included: where the run's minutes go (the hot path: its slice's, shared out evenly). */
  stepMs: number;
}

/**
 * One hot-path scenario for one contender: ratios to the floor, and the floor-independent figures.
 *
 * @example
 * const s1: HotSummary | undefined = summaries[1]?.hot.S1; // s1.wallRatio <= 1.05: the S1 time target
 */
export interface HotSummary {
  /** The median over all its blocks of the block's ratio to the floor's nearest block (per request; `blockRatios`): the targets' figures. */
  wallRatio: number;
  cpuRatio: number;
  /** The median over the slices of the slice's ratio to the floor's, every block counted: slow moments and scavenges included. */
  sliceWallRatio: number;
  sliceCpuRatio: number;
  usPerRequest: number;
  cpuUsPerRequest: number;
}

/** Per-contender figures over all rounds: medians, and worst cases where correctness is concerned. */
export interface ContenderSummary {
  contender: string;
  hot: Partial<Record<'S1' | 'S2', HotSummary>>;
  storms: Partial<Record<StormId, StormSummary>>;
  held?: { bytesPerHeld: number; maxSentWhileHeld: number; worstOk: number; total: number; reauth: [number, number]; drainMs: number };
  bodies?: { worstIdentical: number; requests: number; reauth: [number, number]; drainMs: number };
  failures: string[];
}

/**
 * The median over the rounds both ran of `mine / theirs`: a paired ratio, so
 * that a slow moment of the machine weighs on both sides alike. NaN when no
 * round is shared.
 *
 * @example
 * pairedRatio({ 1: 110, 2: 90 }, { 1: 100, 2: 100 }); // 1
 */
export function pairedRatio(mine: Record<number, number>, theirs: Record<number, number>): number {
  return median(Object.keys(mine).filter((round) => round in theirs).map((round) => mine[+round]! / theirs[+round]!));
}

/**
 * The median; NaN for no values.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const perRequest = (data: HotPathData, key: 'wallMs' | 'cpuMs') => data[key] / data.requests;

const range = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];

/**
 * Summarizes the rounds. Hot-path ratios are the median over every block of
 * its ratio to native fetch's nearest block (`blockRatios`); beside them, the
 * median of whole-slice ratios, every block counted. Storm drains pair
 * contenders storm by storm (rounds are interleaved, so a noisy moment hits
 * both sides of a ratio).
 *
 * @example
 * const summaries = summarize(records, ['native fetch', 'authFetch'], 'native fetch');
 */
export function summarize(records: readonly RoundRecord[], names: readonly string[], floor: string): ContenderSummary[] {
  const pick = <T>(scenario: ScenarioId, contender: string) =>
    records.filter((r) => r.scenario === scenario && r.contender === contender) as Array<RoundRecord & { data: T }>;
  return names.map((contender) => {
    const summary: ContenderSummary = { contender, hot: {}, storms: {}, failures: [] };
    for (const scenario of ['S1', 'S2'] as const) {
      const mine = pick<HotPathData>(scenario, contender);
      if (mine.length === 0) continue;
      const base = new Map(pick<HotPathData>(scenario, floor).map((r) => [r.round, r.data]));
      const paired = mine.filter((r) => base.has(r.round));
      const byBlock = (key: 'wallMs' | 'cpuMs') => median(paired.flatMap((r) => blockRatios(r.data, base.get(r.round)!, key)));
      // Per request, so that a ratio never depends on how many each ran (whole circuits of blocks: 500 may run as 625).
      const bySlice = (key: 'wallMs' | 'cpuMs') => median(paired.map((r) => perRequest(r.data, key) / perRequest(base.get(r.round)!, key)));
      summary.hot[scenario] = {
        wallRatio: byBlock('wallMs'),
        cpuRatio: byBlock('cpuMs'),
        sliceWallRatio: bySlice('wallMs'),
        sliceCpuRatio: bySlice('cpuMs'),
        usPerRequest: median(mine.map((r) => perRequest(r.data, 'wallMs') * 1000)),
        cpuUsPerRequest: median(mine.map((r) => perRequest(r.data, 'cpuMs') * 1000)),
      };
    }
    for (const scenario of STORM_IDS) {
      const storms = pick<StormData>(scenario, contender);
      if (storms.length === 0) continue;
      summary.storms[scenario] = {
        validate: range(storms.map((r) => r.data.validateCalls)),
        reauth: range(storms.map((r) => r.data.reauthCalls)),
        worstOk: Math.min(...storms.map((r) => r.data.ok)),
        requests: storms[0]!.data.requests,
        allCorrect: storms.every((r) => r.failures.length === 0),
        drainMs: median(storms.map((r) => r.data.drainMs)),
        drainByRound: Object.fromEntries(storms.map((r) => [r.round, r.data.drainMs])),
        stale: median(storms.map((r) => r.data.staleApiRequests)),
      };
    }
    const helds = pick<HeldData>('S4', contender);
    if (helds.length) {
      summary.held = {
        bytesPerHeld: median(helds.map((r) => r.data.bytesPerHeld)),
        maxSentWhileHeld: Math.max(...helds.map((r) => r.data.sentWhileHeld)),
        worstOk: Math.min(...helds.map((r) => r.data.ok)),
        total: helds[0]!.data.held + 1,
        reauth: range(helds.map((r) => r.data.reauthCalls)),
        drainMs: median(helds.map((r) => r.data.drainMs)),
      };
    }
    const posts = pick<BodiesData>('S5', contender);
    if (posts.length) {
      summary.bodies = {
        worstIdentical: Math.min(...posts.map((r) => r.data.identical)),
        requests: posts[0]!.data.requests,
        reauth: range(posts.map((r) => r.data.reauthCalls)),
        drainMs: median(posts.map((r) => r.data.drainMs)),
      };
    }
    summary.failures = records
      .filter((r) => r.contender === contender && r.failures.length > 0)
      .flatMap((r) => r.failures.map((f) => `round ${r.round} ${r.scenario}: ${f}`));
    return summary;
  });
}
