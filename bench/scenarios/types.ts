import type { Backend } from '../backend.ts';
import type { Contender, TokenStore } from '../contenders/contender.ts';

/** Everything a scenario gets: a fresh contender, its token store and the backend. */
export interface ScenarioContext {
  backend: Backend;
  contender: Contender;
  tokens: TokenStore;
}

/** What one scenario measured for one contender in one round, and what went wrong. */
export interface Measured<T> {
  data: T;
  /** Correctness failures a user would notice (lost requests, extra popups, bodies lost); empty when none. */
  failures: string[];
}

/**
 * One measured block of the hot path: where in its slice it ran (its step, counted over every contender's
 * blocks), and what it took (of `HotPathData.block` requests).
 *
 * @example
 * const block: HotBlock = [7, 6.32, 5.21]; // the slice's 8th block: 6.32 ms of wall time, 5.21 ms of CPU
 */
export type HotBlock = [step: number, wallMs: number, cpuMs: number];

/** S1/S2: the hot path with a valid token. */
export interface HotPathData {
  requests: number;
  ok: number;
  wallMs: number;
  /** Client process CPU (user + system), the backend's is in another process. */
  cpuMs: number;
  /** Requests a block. */
  block: number;
  /** Each block the contender ran, in order: the ratios pair them with the floor's nearest block. */
  blocks: HotBlock[];
}

/** S3: a storm of 401s after expiry. */
export interface StormData {
  requests: number;
  ok: number;
  validateCalls: number;
  reauthCalls: number;
  /** Requests that reached the API with the expired token (the first wave plus any re-sent while re-auth ran). */
  staleApiRequests: number;
  drainMs: number;
}

/** S4: requests held while the user has not reconnected yet. */
export interface HeldData {
  held: number;
  bytesPerHeld: number;
  /** API requests the backend received while the user had not reconnected (must be 0). */
  sentWhileHeld: number;
  ok: number;
  reauthCalls: number;
  drainMs: number;
}

/** S5: POST bodies across an expiry. */
export interface BodiesData {
  requests: number;
  identical: number;
  reauthCalls: number;
  drainMs: number;
}

/** A scenario: runs once for one contender. */
export type Scenario<T> = (context: ScenarioContext) => Promise<Measured<T>>;
