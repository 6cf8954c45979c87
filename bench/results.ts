import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RoundRecord } from './summarize.ts';
import type { ContenderSummary } from './summarize.ts';
import type { TargetCheck } from './targets.ts';

/** What one run wrote down. */
export interface RunResults {
  startedAt: Date;
  seconds: number;
  rounds: number;
  /** Rounds of S1, which runs in more rounds than the rest. */
  hotRounds: number;
  /** Rounds of S2: twice S1's (a round gives it a fifth of S1's blocks). */
  s2Rounds: number;
  /** `describeCommit()` when the run started: the code it measured (edits made while it runs do not count). */
  commit: string | null;
  /** Seed of the hot path's shuffles (`--seed` replays them). */
  seed: number;
  records: RoundRecord[];
  summaries: ContenderSummary[];
  checks: TargetCheck[];
  summary: string;
}

/**
 * The machine, so that a number is never quoted without where it came from.
 *
 * @example
 * console.log(describeMachine().cpu);
 */
export function describeMachine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model ?? 'unknown',
    cores: cores.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    /** 1-minute load average when the run ended: above ~1 on 2 cores, something else shared the CPU. */
    loadAverage: Number(loadavg()[0]?.toFixed(2)),
    /** Node's flags for the run (the young generation's size, GC exposure): they change what is measured. */
    execArgv: process.execArgv,
  };
}

/**
 * The commit the run measured, `+` when the working tree had changes; null outside a git checkout.
 *
 * @example
 * describeCommit(); // '85b07fe+'
 */
export function describeCommit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+' : '');
  } catch {
    return null;
  }
}

/**
 * Writes the run as JSON to bench/results/ (gitignored): a dated file and
 * latest.json. Returns the dated file's path.
 *
 * @example
 * const file = await writeResults(results);
 */
export async function writeResults(results: RunResults): Promise<string> {
  const directory = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(directory, { recursive: true });
  const json = JSON.stringify({ machine: describeMachine(), ...results }, null, 2);
  const file = `${directory}bench-${results.startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, json);
  await writeFile(`${directory}latest.json`, json);
  return file;
}
